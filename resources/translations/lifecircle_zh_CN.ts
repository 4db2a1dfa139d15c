<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AttributeCodes</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/codes.py" line="+16"/>
        <source>OpenStreetMap</source>
        <translation>OpenStreetMap 导入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>drawn</source>
        <translation>手工绘制</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>imported file</source>
        <translation>文件导入</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+35"/>
        <source>gate</source>
        <translation>大门</translation>
    </message>
    <message>
        <location line="-34"/>
        <source>door</source>
        <translation>楼门</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>community</source>
        <translation>社区</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>residential block</source>
        <translation>居住街坊</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>5-minute life circle</source>
        <translation>五分钟生活圈</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>10-minute life circle</source>
        <translation>十分钟生活圈</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>15-minute life circle</source>
        <translation>十五分钟生活圈</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>footway</source>
        <translation>人行道</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>path</source>
        <translation>小路</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>pedestrian street</source>
        <translation>步行街</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>steps</source>
        <translation>台阶</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>indoor corridor</source>
        <translation>室内通道</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cycleway</source>
        <translation>自行车道</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>bridleway</source>
        <translation>骑马道</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>track</source>
        <translation>机耕路</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>living street</source>
        <translation>生活街道</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>residential street</source>
        <translation>居住区道路</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>service road</source>
        <translation>内部道路</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>minor road</source>
        <translation>未分级道路</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>branch road</source>
        <translation>支路</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>branch road ramp</source>
        <translation>支路匝道</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>secondary trunk road</source>
        <translation>次干路</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>secondary trunk road ramp</source>
        <translation>次干路匝道</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>primary trunk road</source>
        <translation>主干路</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>primary trunk road ramp</source>
        <translation>主干路匝道</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>expressway</source>
        <translation>快速路</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>expressway ramp</source>
        <translation>快速路匝道</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>road of unknown class</source>
        <translation>等级不明的道路</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>barrier arm</source>
        <translation>道闸</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>swing gate</source>
        <translation>平开门</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>sliding gate</source>
        <translation>推拉门</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>bollard</source>
        <translation>隔离桩</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>fence</source>
        <translation>围栏</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>wall</source>
        <translation>围墙</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>kerb</source>
        <translation>路缘石</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>new build</source>
        <translation>新建</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>rebuild</source>
        <translation>改建</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>extension</source>
        <translation>扩建</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>new build under the plan</source>
        <translation>规划新建</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>refitting space found inside</source>
        <translation>挖潜改造</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>sharing nearby resources</source>
        <translation>周边资源共享</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>using existing stock</source>
        <translation>利用存量资源</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>mixed use of facilities</source>
        <translation>复合利用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>micro-renewal</source>
        <translation>微更新</translation>
    </message>
</context>
<context>
    <name>AttributePanel</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/attributes.py" line="+30"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Floors</source>
        <translation>层数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Floor area (m²)</source>
        <translation>建筑面积（m²）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Land area (m²)</source>
        <translation>用地面积（m²）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Usable area (m²)</source>
        <translation>使用面积（m²）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Activity area (m²)</source>
        <translation>活动面积（m²）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Classes</source>
        <translation>班数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Beds</source>
        <translation>床位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Parking spaces</source>
        <translation>停车位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Accessible spaces</source>
        <translation>无障碍车位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Charging spaces</source>
        <translation>充电车位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Parcel lockers</source>
        <translation>快递柜格口</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>OSM id</source>
        <translation>OSM 编号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Project content</source>
        <translation>项目内容</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Implementing body</source>
        <translation>实施主体</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Funding</source>
        <translation>资金来源</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Schedule</source>
        <translation>实施时序</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Design team</source>
        <translation>设计团队</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New build / rebuild</source>
        <translation>新建/改建</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Implementation path</source>
        <translation>实施路径</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Investment (10k yuan)</source>
        <translation>投资估算（万元）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Households</source>
        <translation>户数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Population</source>
        <translation>人口</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Estimated</source>
        <translation>估算值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open</source>
        <translation>开放</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Belongs to layer</source>
        <translation>所属图层</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Belongs to feature</source>
        <translation>所属要素</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Path class</source>
        <translation>道路等级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Walkable</source>
        <translation>可步行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Closed</source>
        <translation>封闭</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Barrier</source>
        <translation>障碍</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>OSM nodes</source>
        <translation>OSM 节点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text</source>
        <translation>内容</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Author role</source>
        <translation>提出人身份</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Said by</source>
        <translation>提出人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Meeting</source>
        <translation>会议</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Meeting date</source>
        <translation>会议日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reply</source>
        <translation>答复</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pin number</source>
        <translation>意见编号</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Facility</source>
        <translation>设施</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Capacity</source>
        <translation>容量</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Project (annual project list)</source>
        <translation>项目（年度项目实施清单）</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>Nothing selected. Click a feature on the map, or choose a facility type in the palette and draw it.</source>
        <translation>未选择要素。请在地图上单击要素，或在设施选板中选择类型后绘制。</translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>%n features selected on several layers.</source>
        <translation>
            <numerusform>已选择 %n 个要素（分属多个图层）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+10"/>
        <source>%n selected; a change applies to all.</source>
        <translation>
            <numerusform>已选择 %n 个；修改将应用于全部。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Attributes</source>
        <translation>属性</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Footprint %1 m²</source>
        <translation>占地 %1 m²</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Length %1 m</source>
        <translation>长度 %1 米</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Position %1, %2</source>
        <translation>位置 %1, %2</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>existing</source>
        <translation>现状</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>planned</source>
        <translation>规划</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>%1 m² × %2 floors = %3 m²</source>
        <translation>%1 m² × %2 层 = %3 m²</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Leave blank to use footprint × floors; type a value to override it.</source>
        <translation>留空则按占地面积 × 层数计算；输入数值可覆盖。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>footprint %1 m²</source>
        <translation>占地 %1 m²</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Leave blank to use the footprint; type a value to override it.</source>
        <translation>留空则取占地面积；输入数值可覆盖。</translation>
    </message>
</context>
<context>
    <name>CadImportDialog</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/import_dxf.py" line="+130"/>
        <source>Import CAD drawing %1</source>
        <translation>导入 CAD 图纸 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 shapes; DXF %2, text %3, units: %4.</source>
        <translation>共 %1 个图形；DXF %2，文字编码 %3，单位：%4。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>CAD layer</source>
        <translation>CAD 图层</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Outlines</source>
        <translation>闭合轮廓</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Lines</source>
        <translation>线</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Texts</source>
        <translation>文字</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Use as</source>
        <translation>用作</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Every shape is kept as a read-only base map. Closed outlines can become homes or facilities (a text inside names them: “18#楼”, “6F”), lines walking paths.</source>
        <translation>所有图形都作为只读底图保留。闭合轮廓可转为住宅或设施（轮廓内的文字填入名称和层数，如“18#楼”“6F”），线可转为步行路径。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Base map only</source>
        <translation>仅作底图</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Homes (residential)</source>
        <translation>住宅（居住用地）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Facilities: %1</source>
        <translation>设施：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Walking paths</source>
        <translation>步行路径</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>millimetres</source>
        <translation>毫米</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>centimetres</source>
        <translation>厘米</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>decimetres</source>
        <translation>分米</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>metres</source>
        <translation>米</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>kilometres</source>
        <translation>千米</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>inches</source>
        <translation>英寸</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>feet</source>
        <translation>英尺</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not stated ($INSUNITS 0): taken as metres</source>
        <translation>未注明（$INSUNITS 为 0）：按米处理</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Placement</source>
        <translation>放置方式</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Drawing coordinates are plan coordinates</source>
        <translation>图纸坐标即规划坐标</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The drawing is in a known CRS:</source>
        <translation>图纸采用已知坐标系：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Control points (drawing x, y → plan E, N; ≥ 2 points)</source>
        <translation>控制点（图上 x, y → 规划坐标 E, N；至少 2 个）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>units from the drawing (%1)</source>
        <translation>按图纸单位（%1）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>e.g. EPSG:4549 (CGCS2000 3° Gauss–Krüger, CM 120°E); eastings with the zone number in front are recognised</source>
        <translation>如 EPSG:4549（CGCS2000 3° 高斯–克吕格，中央经线 120°E）；东坐标前带带号的可自动识别</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Residual (m)</source>
        <translation>残差（米）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Add point</source>
        <translation>添加控制点</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove point</source>
        <translation>删除控制点</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>similarity (shift, turn, one scale)</source>
        <translation>相似变换（平移、旋转、统一缩放）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>affine (≥ 3 points)</source>
        <translation>仿射变换（至少 3 点）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pick control points on the map…</source>
        <translation>在地图上选取控制点…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open a plan first: its map is where the points are picked.</source>
        <translation>请先打开规划：控制点在规划地图上选取。</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Control points for %1</source>
        <translation>%1 的控制点</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>%1 transform, RMSE %2 m</source>
        <translation>%1，中误差 RMSE %2 米</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>similarity</source>
        <translation>相似变换</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>affine</source>
        <translation>仿射变换</translation>
    </message>
</context>
<context>
    <name>CadLayers</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/cad_layers.py" line="+136"/>
        <source>Georeference…</source>
        <translation>配准…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Georeference %1…</source>
        <translation>配准 %1…</translation>
    </message>
    <message>
        <location line="+27"/>
        <location line="+19"/>
        <source>Georeference %1</source>
        <translation>配准 %1</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>Shapes already turned into homes, facilities or walking paths do not move with the base map.</source>
        <translation>已转为住宅/设施/步行路径的要素不随底图移动。</translation>
    </message>
</context>
<context>
    <name>ChecklistPanel</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/checklist.py" line="+40"/>
        <location line="+125"/>
        <source>Not validated yet.</source>
        <translation>尚未校验。</translation>
    </message>
    <message>
        <location line="-120"/>
        <source>Question</source>
        <translation>核查问题</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>N/A</source>
        <translation>不适用</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your answer to this checklist item</source>
        <translation>您对此核查项的回答</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>%1 checklist item(s), %2 not answered yet</source>
        <translation>共 %1 项人工核查，%2 项尚未回答</translation>
    </message>
</context>
<context>
    <name>CommentDialog</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/comments.py" line="+62"/>
        <source>Comment %1</source>
        <translation>第 %1 条意见</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New Comment</source>
        <translation>新的居民意见</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>What was said, in the speaker&apos;s words</source>
        <translation>意见内容（尽量用提出人的原话）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Name (optional)</source>
        <translation>姓名（可不填）</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The planner&apos;s reply (optional)</source>
        <translation>规划师的答复（可不填）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Comment</source>
        <translation>意见</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Who</source>
        <translation>提出人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Meeting</source>
        <translation>会议</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reply</source>
        <translation>答复</translation>
    </message>
</context>
<context>
    <name>CommentsPanel</name>
    <message>
        <location line="+52"/>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All meetings</source>
        <translation>全部会议</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Who</source>
        <translation>提出人</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Meeting</source>
        <translation>会议</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Comment</source>
        <translation>意见</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Reply</source>
        <translation>答复</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+80"/>
        <source>%1 of %2 comments</source>
        <translation>显示 %1 条，共 %2 条意见</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Edit comment %1</source>
        <translation>修改第 %1 条意见</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Comments</source>
        <translation>居民意见</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export Comments</source>
        <translation>导出居民意见</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Comments exported to %1</source>
        <translation>居民意见已导出到 %1</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/compare.py" line="+29"/>
        <source>Compare Scenarios</source>
        <translation>方案对比</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>compared with</source>
        <translation>对比</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Scenario “%1”</source>
        <translation>方案“%1”</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>This plan has one scenario: create another (Edit ▸ New Scenario) to compare them.</source>
        <translation>本规划只有一个方案：请先新建另一个方案（编辑 ▸ 新建方案）再对比。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Rule</source>
        <translation>条目</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n finding(s) differ between the two scenarios.</source>
        <translation>
            <numerusform>两个方案有 %n 条检查结果不同。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The two scenarios have the same findings.</source>
        <translation>两个方案的检查结果相同。</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/workshop/compare.py" line="+52"/>
        <source>Existing</source>
        <translation>现状</translation>
    </message>
    <message>
        <location line="+120"/>
        <source>New</source>
        <translation>新</translation>
    </message>
</context>
<context>
    <name>CoverageChart</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/coverage.py" line="+63"/>
        <source>walking distance d (m)</source>
        <translation>步行距离 d（米）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>households within d (%)</source>
        <translation>d 以内的住户比例（%）</translation>
    </message>
    <message>
        <location line="+145"/>
        <source>Coverage curves appear after the first validation.</source>
        <translation>首次校验完成后显示覆盖率曲线。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Households within walking distance d of the nearest facility; click a walking finding to mark its limit.</source>
        <translation>到最近设施步行距离在 d 以内的住户比例；单击步行覆盖类检查结果可标出其距离限值。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1: limit %2 m, required share %3 %</source>
        <translation>%1：限值 %2 米，要求比例 %3 %</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>(approximate)</source>
        <translation>（估算）</translation>
    </message>
</context>
<context>
    <name>DxfRead</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/import_dxf.py" line="-281"/>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CAD drawing</source>
        <translation>CAD 图纸</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/export_dialog.py" line="+75"/>
        <source>Export Bundle</source>
        <translation>导出成果包</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The plan&apos;s own (EPSG:%1)</source>
        <translation>规划自身坐标系（EPSG:%1）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CGCS2000 3° Gauss–Krüger (zone from the plan&apos;s location)</source>
        <translation>CGCS2000 3° 高斯–克吕格（按规划位置分带）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>WGS 84 longitude/latitude</source>
        <translation>WGS 84 经纬度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Zone number before the easting (EPSG 4513–4533)</source>
        <translation>横坐标前加带号（EPSG 4513–4533）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scenario:</source>
        <translation>方案：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Compare with:</source>
        <translation>对比方案：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Parts:</source>
        <translation>内容：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coordinates:</source>
        <translation>坐标系：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>GeoJSON is always WGS 84 longitude/latitude (RFC 7946).</source>
        <translation>GeoJSON 始终为 WGS 84 经纬度（RFC 7946）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+37"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="-36"/>
        <source>Show Folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Report (PDF)</source>
        <translation>报告（PDF）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Project list (XLSX)</source>
        <translation>项目实施清单（XLSX）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CAD (DXF)</source>
        <translation>CAD 图（DXF）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>GeoPackage</source>
        <translation>GeoPackage</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>GeoJSON</source>
        <translation>GeoJSON</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Export the bundle into</source>
        <translation>成果包导出到</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Validating the scenario…</source>
        <translation>正在核查方案…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Written: %1</source>
        <translation>已导出：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export cancelled; nothing was left behind.</source>
        <translation>导出已取消，未留下任何文件。</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Open a plan first.</source>
        <translation>请先打开一个规划。</translation>
    </message>
</context>
<context>
    <name>FacilityPalette</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/palette.py" line="+31"/>
        <source>Filter facility types…</source>
        <translation>筛选设施类型…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Residential (homes)</source>
        <translation>居住用地（住宅）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Draw a residential block: households, population, floors</source>
        <translation>绘制居住用地：户数、人口、层数</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Planning units</source>
        <translation>规划单元</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Draw the boundary of the community or of a 5-, 10- or 15-minute life circle: the scale and ratio rules measure within it</source>
        <translation>绘制社区或五分钟、十分钟、十五分钟生活圈的边界：规模和配比规则在其范围内核算</translation>
    </message>
</context>
<context>
    <name>FindingsPanel</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/findings.py" line="+38"/>
        <source>Presence</source>
        <translation>设置情况</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Facility area</source>
        <translation>设施面积</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ratio</source>
        <translation>配置指标</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Walking coverage</source>
        <translation>步行覆盖</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scale</source>
        <translation>规模</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Manual checklist</source>
        <translation>人工核查</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Capacity coverage</source>
        <translation>按容量覆盖</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Plan file</source>
        <translation>规划文件</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>required</source>
        <translation>必选</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>recommended</source>
        <translation>推荐</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>informative</source>
        <translation>参考</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>within %1 m</source>
        <translation>（%1 米内）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Document</source>
        <translation>出处</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Clause</source>
        <translation>条款</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source words</source>
        <translation>原文</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Source confidence: medium (a single secondary source)</source>
        <translation>来源可信度：中（单一二手来源）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source confidence: low (a consultation draft or a secondary summary)</source>
        <translation>来源可信度：低（征求意见稿/二手摘要）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>binding</source>
        <comment>strictness</comment>
        <translation>约束性</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>recommended</source>
        <comment>strictness</comment>
        <translation>推荐性</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>informative</source>
        <comment>strictness</comment>
        <translation>参考性</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>The source says “%1”; reported as informative while the source is uncertain</source>
        <translation>原文用词“%1”；来源可信度低，按参考性报告</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Set by %1; reported as informative while the source is uncertain</source>
        <translation>依据%1；来源可信度低，按参考性报告</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Read as %2 from the source&apos;s word “%1”</source>
        <translation>依据原文“%1”判为%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Read as %2 by %1</source>
        <translation>依据%1判为%2</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1/%2 homes have estimated households</source>
        <translation>%1/%2 处住宅的户数为估算</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 home(s) more than %2 m from the walking network</source>
        <translation>%1 处住宅距路网超过 %2 米</translation>
    </message>
    <message>
        <location line="+116"/>
        <source>M</source>
        <comment>badge: medium source confidence</comment>
        <translation>中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>L</source>
        <comment>badge: low source confidence</comment>
        <translation>低</translation>
    </message>
    <message>
        <location line="+27"/>
        <location line="+339"/>
        <source>Not validated yet.</source>
        <translation>尚未校验。</translation>
    </message>
    <message>
        <location line="-333"/>
        <source>By rule pack</source>
        <translation>按标准分组</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>By rule kind</source>
        <translation>按检查类型分组</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>By status</source>
        <translation>按结论分组</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Compare…</source>
        <translation>方案对比…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Compare the findings of this scenario with another scenario&apos;s</source>
        <translation>将本方案的检查结果与另一个方案对比</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Rule</source>
        <translation>条目</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+346"/>
        <source>Measured</source>
        <translation>实测</translation>
    </message>
    <message>
        <location line="-346"/>
        <location line="+346"/>
        <source>Threshold</source>
        <translation>要求</translation>
    </message>
    <message>
        <location line="-338"/>
        <location line="+231"/>
        <source>other reading</source>
        <translation>其他口径</translation>
    </message>
    <message>
        <location line="-218"/>
        <source>District Threshold…</source>
        <translation>区级阈值…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use your district&apos;s own threshold for the selected rule</source>
        <translation>对所选条目采用本区自定的阈值</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Enforce in This District</source>
        <translation>本区按原文执行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A rule from a low-confidence source (a consultation draft or a secondary summary) is informative; checked, the district applies it as its source words it</source>
        <translation>来源可信度低（征求意见稿或二手摘要）的规则仅作参考；勾选后，本区按其原文的要求执行</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Suggest Sites</source>
        <translation>建议选址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Find the sites where a new facility would bring the most households within this walking rule&apos;s limit</source>
        <translation>找出新建设施后能让最多住户进入本步行规则限值内的地点</translation>
    </message>
    <message>
        <location line="+223"/>
        <source>Other reading of this indicator (%1), not counted: the plan is held to “%2”.</source>
        <translation>本指标的其他口径（%1），不计入统计：本规划按“%2”判定。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Reading applied for this indicator; other readings (not counted):</source>
        <translation>本指标按此口径判定；其他口径（不计入统计）：</translation>
    </message>
    <message numerus="yes">
        <location line="+42"/>
        <source>&lt;b&gt;%n required rule(s) failed&lt;/b&gt;</source>
        <translation>
            <numerusform>&lt;b&gt;%n 项必选条目未达标&lt;/b&gt;</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>every required rule passes</source>
        <translation>必选条目全部达标</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(walking distances approximate: no walking network)</source>
        <translation>（无步行网络，步行距离为估算）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 pass · %2 fail · %3 warn · %4 manual · %5 required failed</source>
        <translation>达标 %1 · 未达标 %2 · 提示 %3 · 待核查 %4 · 必选未达标 %5</translation>
    </message>
    <message numerus="yes">
        <location line="+37"/>
        <source>%n feature(s) concerned — click to show them on the map.</source>
        <translation>
            <numerusform>涉及 %n 个要素——单击在地图上显示。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GapSummary</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/gaps.py" line="+35"/>
        <source>%1 or %2</source>
        <translation>%1或%2</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Missing %1: the plan has none</source>
        <translation>缺%1：规划中没有</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Missing %1: %2 % of households cannot walk there within %3 minutes</source>
        <translation>缺%1：%2% 的住户步行 %3 分钟内到不了</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> (at an older person&apos;s pace)</source>
        <translation>（按老年人步速）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> (at a child&apos;s pace)</source>
        <translation>（按儿童步速）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Missing %1: %2 % of households cannot walk there within %3 m</source>
        <translation>缺%1：%2% 的住户步行 %3 米内到不了</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Too few %1: %2, required %3</source>
        <translation>%1不足：现有 %2，要求 %3</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: %2, required %3</source>
        <translation>%1：实测 %2，要求 %3</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The failing and warning findings counted, ranked by severity (required 3, recommended 2, informative 1) × households affected; one line per facility type. Click a line to show its finding.</source>
        <translation>计入汇总的未达标和提示结论，按严重程度（必选 3、推荐 2、参考 1）× 受影响住户数排序；每类设施一行。单击一行可查看对应的检查结果。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>&lt;b&gt;Nothing missing:&lt;/b&gt; every rule counted passes.</source>
        <translation>&lt;b&gt;没有缺项：&lt;/b&gt;计入汇总的条目均达标。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&lt;b&gt;What is missing most&lt;/b&gt; (by severity × households affected):</source>
        <translation>&lt;b&gt;最主要的缺项&lt;/b&gt;（按严重程度 × 受影响住户排序）：</translation>
    </message>
</context>
<context>
    <name>GeorefDialog</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/georef_dialog.py" line="+130"/>
        <source>Georeference</source>
        <translation>配准</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Click a point on the drawing (left), then the same point on the map (right). 2 points: similarity; 3 or more: affine.</source>
        <translation>先在图纸上（左）单击一点，再在地图上（右）单击同一点。2 个点：相似变换；3 个及以上：仿射变换。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Drawing or scan</source>
        <translation>图纸或扫描图</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Plan map</source>
        <translation>规划地图</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Source x</source>
        <translation>图上 x</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Source y</source>
        <translation>图上 y</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Easting (m)</source>
        <translation>东坐标（米）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Northing (m)</source>
        <translation>北坐标（米）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Residual (m)</source>
        <translation>残差（米）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Automatic (affine from 3 points)</source>
        <translation>自动（3 个点起用仿射变换）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Similarity (shift, rotation, scale)</source>
        <translation>相似变换（平移、旋转、缩放）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Affine (also shear and two scales)</source>
        <translation>仿射变换（另含错切与两向缩放）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Remove Point</source>
        <translation>删除控制点</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Transform:</source>
        <translation>变换：</translation>
    </message>
    <message>
        <location line="+80"/>
        <source>At least 2 complete point pairs are needed.</source>
        <translation>至少需要 2 对完整的控制点。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>similarity</source>
        <translation>相似变换</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>affine</source>
        <translation>仿射变换</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>RMSE %1 m (%2, %3 points)</source>
        <translation>中误差 %1 米（%2，%3 个点）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>RMSE —</source>
        <translation>中误差 —</translation>
    </message>
</context>
<context>
    <name>LayersPanel</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/layers.py" line="+30"/>
        <source>Plan layers</source>
        <translation>规划图层</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Base map (read-only)</source>
        <translation>底图（只读）</translation>
    </message>
</context>
<context>
    <name>LegendBox</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/workshop/summary.py" line="+273"/>
        <source>Legend</source>
        <translation>图例</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/main_window.py" line="+203"/>
        <source>&amp;New Plan…</source>
        <translation>新建规划(&amp;N)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New Plan from &amp;OpenStreetMap Extract…</source>
        <translation>从 OpenStreetMap 数据新建规划(&amp;O)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save &amp;As…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy the plan to a new file and continue there</source>
        <translation>将规划复制到新文件并在新文件中继续编辑</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Export Bundle…</source>
        <translation>导出成果包(&amp;E)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Report, project list, CAD, GeoPackage and GeoJSON for the district</source>
        <translation>报告、项目实施清单、CAD 图、GeoPackage 和 GeoJSON，报送区规划资源局</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Print &amp;Poster (A3)…</source>
        <translation>打印海报（A3）(&amp;P)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One A3 page for the notice board: the map, what residents can walk to, a legend</source>
        <translation>一页 A3，贴在居民公告栏：规划图、步行可达、图例</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+859"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location line="-853"/>
        <location line="+854"/>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location line="-853"/>
        <source>&amp;Delete Selected</source>
        <translation>删除所选(&amp;D)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>New &amp;Scenario…</source>
        <translation>新建方案(&amp;S)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re&amp;name Scenario…</source>
        <translation>重命名方案(&amp;N)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete Scenario</source>
        <translation>删除方案</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete the scenario shown (Undo brings it back)</source>
        <translation>删除当前方案（可撤销恢复）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Fit Plan</source>
        <translation>全图显示(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Snapping</source>
        <translation>捕捉(&amp;S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Snap to vertices and edges of the base map and features</source>
        <translation>捕捉底图和要素的顶点与边</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Workshop Mode</source>
        <translation>工作坊模式(&amp;W)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The plan full screen for residents: large map, plain summary</source>
        <translation>全屏向居民展示规划：大地图、通俗摘要</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Select / Move</source>
        <translation>选择 / 移动</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Pan</source>
        <translation>平移</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Draw Polygon</source>
        <translation>绘制多边形</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Draw Rectangle</source>
        <translation>绘制矩形</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Edit Vertices</source>
        <translation>编辑顶点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Draw Walking Path</source>
        <translation>绘制步行路径</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open / Close Gate</source>
        <translation>开闭出入口</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Place Entrance</source>
        <translation>放置出入口</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Place Bus Stop / Metro Station</source>
        <translation>放置公交站点 / 轨道交通站点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Draw Planning Unit (community, 5-, 10-, 15-minute circle)</source>
        <translation>绘制规划单元（社区、五/十/十五分钟生活圈）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Measure</source>
        <translation>测量</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete Feature</source>
        <translation>删除要素</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Duplicate Feature</source>
        <translation>复制要素</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pin a Comment</source>
        <translation>标注居民意见</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;CAD Drawing (DXF)…</source>
        <translation>CAD 图纸（DXF）(&amp;C)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A CAD drawing as a base map; its layers as homes, facilities or walking paths</source>
        <translation>导入 CAD 图纸作为底图；可将其图层转为住宅、设施或步行路径</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Export &amp;Comments…</source>
        <translation>导出居民意见(&amp;C)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The comment pins of the scenario as a workbook (XLSX)</source>
        <translation>将本方案的居民意见标注导出为工作簿（XLSX）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Import Scanned Plan…</source>
        <translation>导入扫描图…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import Offline Tiles (MBTiles)…</source>
        <translation>导入离线瓦片（MBTiles）…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Import &amp;Points of Interest (CSV, GeoJSON)…</source>
        <translation>导入兴趣点（CSV、GeoJSON）(&amp;P)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Facilities or stops from an Amap, Tencent or Baidu export (GCJ-02, BD-09) or a WGS-84 list</source>
        <translation>从高德、腾讯或百度导出的点（GCJ-02、BD-09）或 WGS-84 点表导入设施或站点</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Restore Default Layout</source>
        <translation>恢复默认布局(&amp;R)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Put every panel back where it was at the first start</source>
        <translation>把所有面板放回首次启动时的位置</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Plan</source>
        <translation>规划(&amp;P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Plan &amp;Settings…</source>
        <translation>规划设置(&amp;S)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Community class, area class, walking speeds, households: what the plan is judged with</source>
        <translation>社区类别、区位类别、步行速度、户数：规划据以评价的设置</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rule &amp;Packs…</source>
        <translation>规则包(&amp;P)…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Plan</source>
        <translation>规划</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Scenario</source>
        <translation>方案</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The scenario (方案) being edited and validated</source>
        <translation>正在编辑和校验的方案</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>&lt;plan opened&gt;</source>
        <translation>&lt;打开规划&gt;</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Facilities</source>
        <translation>设施</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attributes</source>
        <translation>属性</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Findings</source>
        <translation>检查结果</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coverage Chart</source>
        <translation>覆盖率曲线</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Checklist</source>
        <translation>人工核查清单</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Residents&apos; Comments</source>
        <translation>居民意见</translation>
    </message>
    <message>
        <location line="+76"/>
        <location filename="../../lifecircle_desktop/ui/panels/settings.py" line="+57"/>
        <source>This plan file is read-only: you can look at it and validate it, but not change it. Save a copy (File ▸ Save As) to edit it.</source>
        <translation>这个规划文件是只读的：可以查看和校验，但不能修改。要编辑，请另存一份副本（文件 ▸ 另存为）。</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>%1 for “%2” (the standard says %3; entering that removes the override):</source>
        <translation>“%2”的%1（标准规定为 %3；输入该值即取消调整）：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Minimum</source>
        <translation>最小值</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Maximum</source>
        <translation>最大值</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>District Threshold</source>
        <translation>区级阈值</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Draw: %1</source>
        <translation>绘制：%1</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Validating…</source>
        <translation>正在校验…</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Validation failed: %1</source>
        <translation>校验失败：%1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Features of the finding</source>
        <translation>检查结果涉及的要素</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Facilities measured to: %1</source>
        <translation>计算步行距离的设施：%1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Homes beyond a %1 walk (%2)</source>
        <translation>步行 %1内到不了的住宅（%2 处）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Network within %1 of %2</source>
        <translation>%2步行 %1内可达的路网</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>CAD drawing</source>
        <translation>CAD 图纸</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CAD drawings (*.dxf *.dwg);;All files (*)</source>
        <translation>CAD 图纸 (*.dxf *.dwg);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>; RMSE %1 m</source>
        <translation>；中误差 RMSE %1 米</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Imported %1: %2%3</source>
        <translation>已导入 %1：%2%3</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Open plan</source>
        <translation>打开规划</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Plans (*.gpkg);;All files (*)</source>
        <translation>规划文件 (*.gpkg);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Now editing %1</source>
        <translation>正在编辑 %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Save plan as</source>
        <translation>规划另存为</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+28"/>
        <location line="+31"/>
        <source>Plans (*.gpkg)</source>
        <translation>规划文件 (*.gpkg)</translation>
    </message>
    <message>
        <location line="-51"/>
        <source>Open a plan first.</source>
        <translation>请先打开一个规划。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save the poster as</source>
        <translation>海报保存为</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+33"/>
        <source>New plan file</source>
        <translation>新规划文件</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>OpenStreetMap extract</source>
        <translation>OpenStreetMap 数据</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>OSM extracts (*.osm *.pbf *.osm.pbf *.xml);;All files (*)</source>
        <translation>OSM 数据 (*.osm *.pbf *.osm.pbf *.xml);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="-14"/>
        <location line="+33"/>
        <source>That is the plan open now; choose another file.</source>
        <translation>该文件是当前打开的规划，请选择其他文件。</translation>
    </message>
    <message>
        <location line="-816"/>
        <source>Code stored in the plan</source>
        <translation>规划文件中存有代码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove that code and open the plan?</source>
        <translation>删除这些代码并打开规划吗？</translation>
    </message>
    <message>
        <location line="+681"/>
        <location line="+145"/>
        <source>Import cancelled.</source>
        <translation>导入已取消。</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+31"/>
        <source>Points of interest</source>
        <translation>兴趣点</translation>
    </message>
    <message>
        <location line="-30"/>
        <source>Point lists (*.csv *.txt *.geojson *.json);;All files (*)</source>
        <translation>点表 (*.csv *.txt *.geojson *.json);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Import points of interest</source>
        <translation>导入兴趣点</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <location line="+4"/>
        <source>Imported %n point(s) of interest.</source>
        <translation>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Community boundary</source>
        <translation>社区边界</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The scale and ratio rules measure within the community&apos;s boundary. Draw it now, or pick a residential compound on the map to use its outline?</source>
        <translation>规模和配比规则在社区边界内核算。现在绘制边界，还是在地图上点选一个居住小区、用它的轮廓作边界？</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Draw the boundary</source>
        <translation>绘制边界</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pick a compound</source>
        <translation>点选小区</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Click a residential compound to use its outline as the community boundary.</source>
        <translation>单击一个居住小区，用它的轮廓作社区边界。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>New scenario</source>
        <translation>新建方案</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name of the new scenario (a copy of “%1”):</source>
        <translation>新方案名称（复制自“%1”）：</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Rename scenario</source>
        <translation>重命名方案</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New name of scenario “%1”:</source>
        <translation>方案“%1”的新名称：</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Scenario “%1” deleted (Undo brings it back)</source>
        <translation>已删除方案“%1”（撤销可恢复）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>About lifecircle</source>
        <translation>关于 lifecircle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;h3&gt;lifecircle_desktop&lt;/h3&gt;&lt;p&gt;Plans 15-minute community life circles and complete residential communities, and checks them live against the standards.&lt;/p&gt;&lt;p&gt;Map data © OpenStreetMap contributors, ODbL 1.0.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;lifecircle_desktop 社区生活圈规划&lt;/h3&gt;&lt;p&gt;规划 15 分钟社区生活圈与完整居住社区，并依据标准实时检查。&lt;/p&gt;&lt;p&gt;地图数据 © OpenStreetMap 贡献者，ODbL 1.0。&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>&amp;Undo %1</source>
        <translation>撤销 %1(&amp;U)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Redo %1</source>
        <translation>重做 %1(&amp;R)</translation>
    </message>
</context>
<context>
    <name>MapCanvas</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/map/dialogs.py" line="+16"/>
        <source>Unfinished polygon</source>
        <translation>未完成的多边形</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The polygon has {n} vertices. Finish it, discard it, or keep drawing?</source>
        <translation>该多边形已有 {n} 个顶点。完成、放弃，还是继续绘制？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Unfinished path</source>
        <translation>未完成的路径</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The path has {n} points. Finish it, discard it, or keep drawing?</source>
        <translation>该路径已有 {n} 个节点。完成、放弃，还是继续绘制？</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../../lifecircle_desktop/ui/tools/draw.py" line="+93"/>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep drawing</source>
        <translation>继续绘制</translation>
    </message>
    <message>
        <location filename="../../lifecircle_desktop/ui/map/overlays.py" line="+257"/>
        <source>N</source>
        <translation>北</translation>
    </message>
    <message>
        <location filename="../../lifecircle_desktop/ui/tools/draw.py" line="+1"/>
        <source>Undo last vertex</source>
        <translation>撤销上一个顶点</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+239"/>
        <source>Cancel drawing</source>
        <translation>取消绘制</translation>
    </message>
    <message>
        <location line="-227"/>
        <source>Drawing cancelled.</source>
        <translation>已取消绘制。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Not added: {reason}.</source>
        <translation>未添加：{reason}。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Polygon discarded.</source>
        <translation>已放弃该多边形。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Path discarded.</source>
        <translation>已放弃该路径。</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Choose a facility type before drawing.</source>
        <translation>请先选择设施类型再绘制。</translation>
    </message>
    <message>
        <location line="+33"/>
        <location filename="../../lifecircle_desktop/ui/tools/unit.py" line="+46"/>
        <source>Area {area} m²</source>
        <translation>面积 {area} m²</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Land area {area} m²</source>
        <translation>占地面积 {area} m²</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Floor area {area} m² ({floors} floors)</source>
        <translation>建筑面积 {area} m²（{floors} 层）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Minimum floor area {area} m²</source>
        <translation>最小建筑面积 {area} m²</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Minimum land area {area} m²</source>
        <translation>最小用地面积 {area} m²</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>With the cursor as the next corner: {area} m²</source>
        <translation>若在光标处再加一个角点：{area} m²</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../../lifecircle_desktop/ui/tools/unit.py" line="+3"/>
        <source>The edges cross each other: move or remove the last vertex.</source>
        <translation>边线相交：请移动或删除上一个顶点。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Draw a polygon: click to add vertices; Enter or double-click finishes, Backspace removes the last vertex, Esc cancels.</source>
        <translation>绘制多边形：单击添加顶点；回车或双击完成，退格删除上一个顶点，Esc 取消。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Draw a rectangle: click two opposite corners, or drag.</source>
        <translation>绘制矩形：单击两个对角点，或拖动。</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>Draw a walking path: click to add points; Enter or double-click finishes.</source>
        <translation>绘制步行路径：单击添加节点；回车或双击完成。</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+63"/>
        <source>Length {length}</source>
        <translation>长度 {length}</translation>
    </message>
    <message>
        <location line="-44"/>
        <source>Measure: click to add points; double-click or Enter finishes.</source>
        <translation>测量：单击添加节点；双击或回车结束。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Measured length: {length}.</source>
        <translation>测量长度：{length}。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Segment {length}</source>
        <translation>本段 {length}</translation>
    </message>
    <message>
        <location filename="../../lifecircle_desktop/ui/tools/select.py" line="+30"/>
        <source>Select: click a feature, Shift-click to add, drag a box to select several, drag a selected feature to move it.</source>
        <translation>选择：单击要素，Shift+单击追加，拖出方框多选，拖动已选要素可移动。</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>{n} features selected.</source>
        <translation>已选择 {n} 个要素。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Pan: drag the map.</source>
        <translation>平移：拖动地图。</translation>
    </message>
    <message>
        <location filename="../../lifecircle_desktop/ui/tools/feature_ops.py" line="+37"/>
        <source>Delete: click a feature to delete it.</source>
        <translation>删除：单击要删除的要素。</translation>
    </message>
    <message>
        <location line="+21"/>
        <location line="+38"/>
        <source>No feature here.</source>
        <translation>此处没有可编辑的要素。</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>Duplicate: click a feature to copy it, or drag it to place the copy.</source>
        <translation>复制：单击要素复制，或拖动放置副本。</translation>
    </message>
    <message>
        <location filename="../../lifecircle_desktop/ui/tools/points.py" line="+28"/>
        <source>Gate: click an entrance to open or close it.</source>
        <translation>出入口开闭：单击出入口可开启或关闭。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Close the gate</source>
        <translation>关闭出入口</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the gate</source>
        <translation>开启出入口</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No entrance here: click on an entrance symbol.</source>
        <translation>此处没有出入口：请单击出入口符号。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Gate opened.</source>
        <translation>出入口已开启。</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Gate closed.</source>
        <translation>出入口已关闭。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Entrance: click on the edge of a residential compound or facility.</source>
        <translation>放置出入口：在居住用地或设施的边界上单击。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Entrance of {name}</source>
        <translation>{name} 的出入口</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Click on the edge of a residential compound or facility.</source>
        <translation>请在居住用地或设施的边界上单击。</translation>
    </message>
    <message>
        <location line="+28"/>
        <location line="+13"/>
        <source>Choose a bus stop or metro station in the palette first.</source>
        <translation>请先在设施选板中选择公交站点或轨道交通站点。</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Place {name}: click on the map (it snaps to roads and paths when snapping is on); Esc cancels.</source>
        <translation>放置{name}：在地图上单击（开启吸附时吸附到道路和步行路径）；Esc 取消。</translation>
    </message>
    <message>
        <location filename="../../lifecircle_desktop/ui/tools/vertex.py" line="+34"/>
        <source>Edit vertices: click a feature, drag a vertex; double-click or Ctrl-click an edge to add one; Delete removes the chosen vertex.</source>
        <translation>编辑顶点：单击要素后拖动顶点；双击或 Ctrl+单击边可添加顶点；Delete 删除所选顶点。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Only the vertices of polygons and paths can be edited.</source>
        <translation>只能编辑多边形和路径的顶点。</translation>
    </message>
    <message>
        <location line="+35"/>
        <location line="+70"/>
        <source>Not changed: {reason}.</source>
        <translation>未修改：{reason}。</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>Click a vertex first.</source>
        <translation>请先单击一个顶点。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Delete vertex</source>
        <translation>删除顶点</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Insert vertex here</source>
        <translation>在此插入顶点</translation>
    </message>
    <message>
        <location filename="../../lifecircle_desktop/ui/tools/unit.py" line="-9"/>
        <source>Draw the planning unit ({kind}): click to add vertices; Enter or double-click finishes, Backspace removes the last vertex, Esc cancels.</source>
        <translation>绘制规划单元（{kind}）：单击加点；回车或双击完成，退格删除上一个点，Esc 取消。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Click a residential compound or residential area to use its outline as the {kind} boundary; Esc stops.</source>
        <translation>单击一个居住小区或居住用地，用它的轮廓作{kind}边界；Esc 结束。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>No residential compound or residential area there.</source>
        <translation>此处没有居住小区或居住用地。</translation>
    </message>
    <message>
        <location filename="../../lifecircle_desktop/ui/tools/pin.py" line="+25"/>
        <source>Comment pin: click where the comment is about, then fill in what was said.</source>
        <translation>居民意见：在意见所指的位置单击，然后填写意见内容。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pin a comment here</source>
        <translation>在此标注意见</translation>
    </message>
</context>
<context>
    <name>MapLegend</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/map/overlays.py" line="-97"/>
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <location filename="../../lifecircle_desktop/ui/map/view.py" line="+521"/>
        <source>Homes beyond the walking limit</source>
        <translation>超出步行距离的住宅</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Network within the walking limit</source>
        <translation>步行距离内可达的路网</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Features of the finding</source>
        <translation>检查结果涉及的要素</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Selected</source>
        <translation>选中的要素</translation>
    </message>
</context>
<context>
    <name>NewPlanDialog</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/new_plan.py" line="+38"/>
        <source>New plan</source>
        <translation>新建规划</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New plan from OpenStreetMap</source>
        <translation>从 OpenStreetMap 数据新建规划</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>e.g. Siping Road sub-district, Tongji New Village</source>
        <translation>例如：四平路街道同济新村</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Leave blank to name it after the place the data shows</source>
        <translation>留空则以数据中的地名命名</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Existing community (renewal)</source>
        <translation>既有社区（更新改造）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New-build community</source>
        <translation>新建社区</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>e.g. Yangpu District, Shanghai</source>
        <translation>例如：上海市杨浦区</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Plan name</source>
        <translation>规划名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Community kind</source>
        <translation>社区类型</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Longitude</source>
        <translation>经度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Latitude</source>
        <translation>纬度</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Extract</source>
        <translation>数据文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>City and district</source>
        <translation>城市和区</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Rule packs checked</source>
        <translation>检查所用的规则包</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>The extract does not say where it lies: only the national standards are on.</source>
        <translation>数据未说明所在位置：只启用国家标准。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The plan lies in Shanghai: the national and Shanghai standards apply.</source>
        <translation>规划位于上海：适用国家标准和上海标准。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The plan lies outside Shanghai: Shanghai&apos;s own standards do not apply.</source>
        <translation>规划位于上海以外：上海的标准不适用。</translation>
    </message>
    <message>
        <location line="-38"/>
        <source>Sub-district</source>
        <translation>街道/镇</translation>
    </message>
</context>
<context>
    <name>OsmImport</name>
    <message>
        <location line="+169"/>
        <source>Importing %1…</source>
        <translation>正在导入 %1…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New plan from OpenStreetMap</source>
        <translation>从 OpenStreetMap 新建规划</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>PlanHistory</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/undo.py" line="+34"/>
        <source>Add %1</source>
        <translation>新增%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete %1 #%2</source>
        <translation>删除%1 #%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reshape %1 #%2</source>
        <translation>修改%1 #%2 的形状</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Set %1 of %2 #%3</source>
        <translation>修改%2 #%3 的 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>n/a</source>
        <translation>不适用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Answer %1: %2</source>
        <translation>回答 %1：%2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not answered</source>
        <translation>未回答</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Change rule packs</source>
        <translation>更改规则包</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Set threshold %1 of %2</source>
        <translation>设置 %2 的阈值 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Set %1 to %2</source>
        <translation>设置%1为%2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>New scenario %1</source>
        <translation>新建方案 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete scenario %1</source>
        <translation>删除方案 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Rename scenario %1 to %2</source>
        <translation>重命名方案 %1 为 %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Import %1 %2</source>
        <translation>导入 %1 个%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete %1 %2</source>
        <translation>删除 %1 个%2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Move</source>
        <translation>移动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change plan settings</source>
        <translation>修改规划设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Several edits</source>
        <translation>多项修改</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>All scenarios</source>
        <translation>全部方案</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Base scenario</source>
        <translation>基础方案</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Switched to scenario “%1” to undo: %2</source>
        <translation>已切换到方案“%1”以撤销：%2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Switched to scenario “%1” to redo: %2</source>
        <translation>已切换到方案“%1”以重做：%2</translation>
    </message>
    <message>
        <location filename="../../lifecircle_desktop/ui/document.py" line="+283"/>
        <source>Import CAD drawing %1</source>
        <translation>导入 CAD 图纸 %1</translation>
    </message>
</context>
<context>
    <name>PlanSettingsDialog</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/settings.py" line="-14"/>
        <source>Plan Settings</source>
        <translation>规划设置</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>What the plan is judged with besides its features: which rules apply to it, and the numbers the walking distances and households are computed with. Each change is one step you can undo (Ctrl+Z).</source>
        <translation>除图上要素外，规划据以评价的设置：哪些条文适用，以及计算步行距离和户数所用的数值。每次修改为一步，可撤销（Ctrl+Z）。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Setting</source>
        <translation>设置项</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Value</source>
        <translation>取值</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>依据</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Default</source>
        <translation>恢复默认</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back to the default, %1</source>
        <translation>恢复为默认值 %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>No standard publishes this number; check it against your district&apos;s own figure.</source>
        <translation>没有标准公布此数值；请与本区的实际数据核对。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>From %1 to %2; the default is %3</source>
        <translation>取值 %1 至 %2；默认值为 %3</translation>
    </message>
</context>
<context>
    <name>PoiImportDialog</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/import_poi.py" line="+25"/>
        <source>Import points of interest</source>
        <translation>导入兴趣点</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>WGS-84 (GPS, OpenStreetMap)</source>
        <translation>WGS-84（GPS、OpenStreetMap）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GCJ-02 (Amap, Tencent)</source>
        <translation>GCJ-02（高德、腾讯）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>BD-09 (Baidu)</source>
        <translation>BD-09（百度）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Coordinate system</source>
        <translation>坐标系</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Facilities (a footprint of the type&apos;s minimum area)</source>
        <translation>设施（按该类型的最小面积生成占位轮廓）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bus stops and metro stations</source>
        <translation>公交站与地铁站</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import into</source>
        <translation>导入到</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>From each row&apos;s category</source>
        <translation>按每行的类别</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Longitude column</source>
        <translation>经度列</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Latitude column</source>
        <translation>纬度列</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name column</source>
        <translation>名称列</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Category column</source>
        <translation>类别列</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Choose the longitude and latitude columns: their headers are not ones the importer knows.</source>
        <translation>请选择经度列和纬度列：表头不是导入程序认识的名称。</translation>
    </message>
</context>
<context>
    <name>ProgressWords</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/new_plan.py" line="-118"/>
        <source>Reading the OSM file…</source>
        <translation>正在读取 OSM 文件…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reading the GeoJSON file…</source>
        <translation>正在读取 GeoJSON 文件…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sorting the map objects…</source>
        <translation>正在分类地图要素…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Building areas…</source>
        <translation>正在生成面要素…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Building roads and paths…</source>
        <translation>正在生成道路和步行路径…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Estimating households…</source>
        <translation>正在估算户数…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Placing stops and entrances…</source>
        <translation>正在放置站点和出入口…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ready to write…</source>
        <translation>准备写入…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Writing the plan…</source>
        <translation>正在写入规划…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Writing %1…</source>
        <translation>正在写入%1…</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/qt_strings.py" line="+8"/>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>RasterLayers</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/raster_layers.py" line="+35"/>
        <source>Scans and offline tiles</source>
        <translation>扫描图与离线瓦片</translation>
    </message>
    <message>
        <location line="+25"/>
        <source> — not placed</source>
        <translation>（未配准）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan: %1%2 (%3 %)</source>
        <translation>扫描图：%1%2（%3 %）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Tiles: %1 (%2 %)</source>
        <translation>瓦片：%1（%2 %）</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Import Scanned Plan…</source>
        <translation>导入扫描图…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import Offline Tiles (MBTiles)…</source>
        <translation>导入离线瓦片（MBTiles）…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Georeference…</source>
        <translation>配准…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Remove Scan</source>
        <translation>删除扫描图</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Import Scanned Plan</source>
        <translation>导入扫描图</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Images (*.png *.jpg *.jpeg *.tif *.tiff)</source>
        <translation>图像 (*.png *.jpg *.jpeg *.tif *.tiff)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Import scan %1</source>
        <translation>导入扫描图 %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Import Offline Tiles</source>
        <translation>导入离线瓦片</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>MBTiles (*.mbtiles);;All files (*)</source>
        <translation>MBTiles 瓦片包 (*.mbtiles);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Import tiles %1</source>
        <translation>导入瓦片 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Opacity %1 %</source>
        <translation>不透明度 %1 %</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Remove scan %1</source>
        <translation>删除扫描图 %1</translation>
    </message>
    <message>
        <location line="+21"/>
        <location line="+11"/>
        <source>Georeference %1</source>
        <translation>配准 %1</translation>
    </message>
</context>
<context>
    <name>ResidentSummaryPanel</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/workshop/summary.py" line="-137"/>
        <source>On foot from home</source>
        <translation>从家步行出发</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>met</source>
        <translation>已达标</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>required, not met</source>
        <translation>必须项未达到</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>recommended, not met</source>
        <translation>建议项未达到</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>%1 compared with %2</source>
        <translation>%1 与 %2 对比</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scenario: %1</source>
        <translation>方案：%1</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>new</source>
        <translation>新增</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>No walking need is judged in this plan.</source>
        <translation>本规划没有需要评判的步行需求。</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n more walking needs in the plan&apos;s notice</source>
        <translation>
            <numerusform>另有 %n 项步行指标见规划公示文件</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RulePacksDialog</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/checklist.py" line="+8"/>
        <source>Rule packs</source>
        <translation>规则包</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The standards this plan is checked against:</source>
        <translation>本规划据以校验的标准：</translation>
    </message>
</context>
<context>
    <name>ServicePopulation</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/service_population.py" line="+18"/>
        <source>Service population</source>
        <translation>服务人口与容量</translation>
    </message>
    <message>
        <location line="+17"/>
        <location line="+3"/>
        <source>Served</source>
        <translation>服务人口</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>not measured: no walking rule judges this type</source>
        <translation>未测算：没有按步行距离判定此类设施的指标</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>waiting for validation</source>
        <translation>等待校验结果</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Capacity</source>
        <translation>容量</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not entered (classes or beds)</source>
        <translation>未填写（班数或床位数）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Needed by them</source>
        <translation>服务人口所需</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>over capacity</source>
        <translation>超出容量</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>has room</source>
        <translation>容量充足</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 (capacity ÷ need %2)</source>
        <translation>%1（容量 ÷ 需求 %2）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Capacity check</source>
        <translation>容量核算</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Within its walk (2SFCA)</source>
        <translation>步行范围内供需比（两步移动搜索法）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 per person in need</source>
        <translation>每名需求者 %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 households (homes: %2) whose nearest it is</source>
        <translation>%1 户（住宅 %2 处），以其为最近设施</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 households (homes: %2) reaching it first within %3 m</source>
        <translation>%1 户（住宅 %2 处），步行 %3 米内首先到达</translation>
    </message>
</context>
<context>
    <name>SitingList</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/siting.py" line="+49"/>
        <source>The facility type to place</source>
        <translation>拟布置的设施类型</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sites: </source>
        <translation>选址数：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How many sites to suggest together</source>
        <translation>一并建议的选址数量</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Along the walking network</source>
        <translation>沿步行网络</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Base-map buildings</source>
        <translation>底图建筑</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Base-map land use</source>
        <translation>底图用地</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Where a new facility may go</source>
        <translation>新设施可布置的位置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Suggest Again</source>
        <translation>重新建议</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use This Site</source>
        <translation>采用此处</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Draw the facility on the chosen site, with the catalogue&apos;s minimum footprint (one step: Ctrl+Z removes it)</source>
        <translation>按设施目录的最小占地在所选地点绘制该设施（一步操作：Ctrl+Z 可撤销）</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Households added</source>
        <translation>新增住户</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Coverage after</source>
        <translation>采用后覆盖率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Click a site to show it on the map.</source>
        <translation>单击选址可在地图上显示。</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>&lt;b&gt;Where a new %1 brings the most households within %2 m&lt;/b&gt; (now %3%; %4 candidate sites, %5 reach a home left out):</source>
        <translation>&lt;b&gt;新建%1后步行 %2 米内住户最多的地点&lt;/b&gt;（现为 %3%；候选地点 %4 处，其中 %5 处可覆盖未达住宅）：</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No candidate site brings a home left out within the limit.</source>
        <translation>没有候选地点能使未达住宅进入限值内。</translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>%n home(s) brought within the limit</source>
        <translation>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 m²</source>
        <translation>%1 平方米</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>beside the path</source>
        <translation>路旁</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Use suggested site %1 (%2)</source>
        <translation>采用建议选址 %1（%2）</translation>
    </message>
</context>
<context>
    <name>SitingOverlay</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/map/siting.py" line="+33"/>
        <source>%1. +%2 households → %3%</source>
        <translation>%1. +%2 户 → %3%</translation>
    </message>
</context>
<context>
    <name>WalkHomes</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/panels/walk_homes.py" line="+25"/>
        <source>%1 m</source>
        <translation>%1 米</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>none within %1</source>
        <translation>%1内没有</translation>
    </message>
    <message>
        <location line="+130"/>
        <source>Nearest facilities (walking)</source>
        <translation>最近的设施（步行距离）</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Not measured yet.</source>
        <translation>尚未计算。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>No facility of any type within reach: the paths from this home may not join the rest of the walking network.</source>
        <translation>各类设施均不可达：这处住宅周边的道路可能与步行路网的其余部分不连通。</translation>
    </message>
</context>
<context>
    <name>WalkHomesList</name>
    <message>
        <location line="-127"/>
        <source>Home</source>
        <translation>住宅</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Households</source>
        <translation>户数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Walking distance</source>
        <translation>步行距离</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Over the limit</source>
        <translation>超出</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Click a home to show it on the map and select it.</source>
        <translation>单击住宅，在地图上显示并选中它。</translation>
    </message>
    <message numerus="yes">
        <location line="+54"/>
        <source>&lt;b&gt;%n home(s) beyond a %1 walk&lt;/b&gt; to %2 (%3 households), the worst (households × distance over) first:</source>
        <translation>
            <numerusform>&lt;b&gt;%n 处住宅步行 %1内到不了%2&lt;/b&gt;（共 %3 户），按 户数×超出距离 从大到小排列：</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Home #%1</source>
        <translation>住宅 #%1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Nearest: %1</source>
        <translation>最近：%1</translation>
    </message>
</context>
<context>
    <name>Workshop</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/workshop/summary.py" line="+93"/>
        <source>Bus stop (B)</source>
        <translation>公交站（B）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Metro station (M)</source>
        <translation>地铁站（M）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Homes</source>
        <translation>住宅</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Planning unit (dashed)</source>
        <translation>规划单元（虚线）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Planned facility (dashed edge)</source>
        <translation>规划设施（虚线边框）</translation>
    </message>
</context>
<context>
    <name>WorkshopMode</name>
    <message>
        <location filename="../../lifecircle_desktop/ui/workshop/mode.py" line="+317"/>
        <source>Leave</source>
        <translation>退出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Whole Plan</source>
        <translation>全图</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>One Map</source>
        <translation>单图</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Before | After Swipe</source>
        <translation>前后卷帘对比</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Side by Side</source>
        <translation>并排对比</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Pin</source>
        <translation>图钉</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Other Screen</source>
        <translation>换屏幕</translation>
    </message>
    <message>
        <location line="+177"/>
        <source>New in this plan</source>
        <translation>规划新增</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Reached on foot</source>
        <translation>步行可达范围</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paths walked</source>
        <translation>步行走到的道路</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Homes it is nearest to</source>
        <translation>就近到这里的住宅</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>%1: no walking distance is set for this kind of place</source>
        <translation>%1：这类设施没有步行距离要求</translation>
    </message>
</context>
</TS>
