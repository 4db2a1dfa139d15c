"""Reading OpenStreetMap files into arrays: OSM XML (our own safe expat reader) and PBF (libosmium).

Both readers return the same ``OsmData``: node ids and lon/lat as numpy arrays, the node lists of
all ways concatenated into one id array with offsets, tags as dicts, relations as member lists.
The importer (``osm.py``) then works on arrays, never on per-node Python objects.

Safety (OSM XML is untrusted input): the XML is parsed with expat, streaming, never into a DOM;
any DOCTYPE that declares an entity is refused as soon as the declaration is seen (before any
expansion, so a "billion laughs" bomb costs nothing), parameter entities and external entities
are never resolved. Small hostile files must not cost gigabytes or minutes either (issue 10,
item 8), so reading stops with one sentence at the first of the limits below: a way with more
nodes than OSM itself allows, a tag longer than OSM allows, more text than ``MAX_TEXT_BYTES``
once decompressed (XML) or expanded (PBF), a single piece of markup longer than
``MAX_MARKUP_BYTES``, more than ``MAX_NODES`` nodes. docs/import.md lists them for planners.

Speed (design.md §8): pyosmium's per-object Python callbacks cost ~1.3 s for Malta's 333k nodes
alone (measured), so a PBF is converted by libosmium, in C++, to OPL text in a temporary folder
(0.2 s for Malta) and the OPL is cut into numpy arrays with a handful of whole-buffer operations
(~0.5 s): no Python call per node.
"""
from __future__ import annotations

import bz2
import gzip
import operator
import os
import re
import subprocess
import sys
import tempfile
import zlib
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from xml.parsers import expat

import numpy as np

from ..errors import PlanError, read_user_file

# A feature may have at most this many vertices: the limit is for assembled multipolygons
# (coastlines, lakes) and guards against hostile files.
MAX_VERTICES = 100_000
# OSM API 0.6 refuses a way of more than 2,000 nodes, so no real extract holds one; a longer way
# is hostile (8,000 nodes looping one square cost 20 s and 3.2 GB in polygon repair).
MAX_WAY_NODES = 2_000
# OSM API 0.6 refuses a key or value longer than 255 characters.
MAX_TAG_CHARS = 255
# Malta (333k nodes) is 21 MB of OPL text and ~50 MB of XML; 256 MiB is 5-12 times that, far
# beyond a city district, and keeps the arrays built from it under ~1.5 GB.
MAX_TEXT_BYTES = 256 << 20
# No element of OSM XML comes near this; expat buffers an unfinished one whole.
MAX_MARKUP_BYTES = 1 << 20
# Malta has 333k nodes; 5 million is a large city.
MAX_NODES = 5_000_000

Progress = Callable[[float, str], object]


@dataclass
class Relation:
    id: int
    tags: dict
    members: list  # [(type "n" | "w" | "r", ref, role)]


@dataclass
class OsmData:
    """Everything the importer needs from an OSM file, array-shaped."""
    node_ids: np.ndarray  # int64, sorted ascending, unique
    lon: np.ndarray  # float64, aligned with node_ids
    lat: np.ndarray
    node_tags: dict  # node id -> tags, only for nodes that have tags
    way_ids: np.ndarray  # int64 (W,)
    way_offsets: np.ndarray  # int64 (W + 1,): way i's refs are way_refs[off[i]:off[i + 1]]
    way_refs: np.ndarray  # int64, node ids of every way, concatenated
    way_tags: list  # [dict] (W,)
    relations: list = field(default_factory=list)
    bounds: tuple | None = None  # (min lon, min lat, max lon, max lat) from the file header
    timestamp: str | None = None  # newest element / replication timestamp, ISO 8601
    generator: str = ""
    format: str = ""  # "OSM XML" | "OSM PBF"
    duplicate_nodes: int = 0

    @property
    def way_lengths(self) -> np.ndarray:
        return np.diff(self.way_offsets)


def _cancelled():
    return PlanError("导入已取消", "import cancelled")


def check_progress(progress: Progress | None, fraction: float, message: str) -> None:
    """Report progress; a callback returning ``False`` (exactly) cancels the import."""
    if progress is not None and progress(float(fraction), message) is False:
        raise _cancelled()


_err = PlanError.about_file


def way_too_long(path, way_id) -> PlanError:
    return _err(path, f"路径 {way_id} 的节点超过 {MAX_WAY_NODES:,} 个（OSM 本身的上限），拒绝读取",
                f"way {way_id} has more than {MAX_WAY_NODES:,} nodes (OSM's own limit), so the file is refused")


def tag_too_long(path, element: str) -> PlanError:
    return _err(path, f"{element} 的标签超过 {MAX_TAG_CHARS} 个字符（OSM 本身的上限），拒绝读取",
                f"{element} has a tag longer than {MAX_TAG_CHARS} characters (OSM's own limit), so the file is refused")


def too_much_text(path) -> PlanError:
    mb = MAX_TEXT_BYTES >> 20
    return _err(path, f"展开后超过 {mb} MB，超出一个规划所需；请用 osmium extract 裁出更小的范围",
                f"it expands to more than {mb} MB, beyond what one plan needs; cut a smaller area with osmium extract")


def too_many_nodes(path) -> PlanError:
    return _err(path, f"节点超过 {MAX_NODES:,} 个，超出一个规划所需；请用 osmium extract 裁出更小的范围",
                f"it holds more than {MAX_NODES:,} nodes, beyond what one plan needs; cut a smaller area with osmium extract")


# --- sniffing ---------------------------------------------------------------------------------
def sniff(path: str | os.PathLike) -> str:
    """'xml', 'xml.gz', 'xml.bz2' or 'pbf' from the first bytes; a clear error for anything else."""
    p = Path(path)
    head = read_user_file(p, " OSM 文件", "an OSM file", 64)
    if not head.strip():
        raise _err(p, "文件是空的", "the file is empty")
    if head[:2] == b"\x1f\x8b":
        return "xml.gz"
    if head[:3] == b"BZh":
        return "xml.bz2"
    if b"OSMHeader" in head[4:20]:
        return "pbf"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        raise _err(p, "这是 PNG 图片，不是 OSM 数据", "this is a PNG image, not OSM data")
    if head[:16] == b"SQLite format 3\x00":
        raise _err(p, "这是 SQLite/GeoPackage 数据库，不是 OSM 数据", "this is an SQLite/GeoPackage database, not OSM data")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        raise _err(p, "这是 JSON（GeoJSON？）文件，不是 OSM 数据；GeoJSON 请用 import 命令导入",
                   "this is a JSON (GeoJSON?) file, not OSM data; import GeoJSON with `lifecircle import`")
    if text[:1] == b"<":
        return "xml"
    raise _err(p, "不是 OSM 文件（既不是 OSM XML 也不是 PBF）", "not an OSM file (neither OSM XML nor PBF)")


def read_osm(path: str | os.PathLike, progress: Progress | None = None) -> OsmData:
    """Read an ``.osm`` (optionally .gz/.bz2) or ``.osm.pbf`` file; PlanError for anything wrong."""
    kind = sniff(path)
    if kind == "pbf":
        return read_pbf(path, progress)
    return read_xml(path, progress, compression=kind.partition(".")[2])


# --- OSM XML ----------------------------------------------------------------------------------
class _XmlReader:
    """Streaming expat handlers that collect nodes, ways and relations into flat typed arrays.

    Numbers go straight into ``array`` buffers (8 bytes each, not a Python int or float per value:
    10^6 walking edges are ~4 million node references) and tag keys and values are shared between
    objects (``highway=footway`` is one pair of strings, however many ways carry it)."""

    def __init__(self, path: Path):
        self.path = path
        self.node_ids = array("q")
        self.lon = array("d")
        self.lat = array("d")
        self.node_tags: dict[int, dict] = {}
        self.way_ids = array("q")
        self.way_lengths = array("q")
        self.way_refs = array("q")  # every way's node ids, concatenated
        self.way_start = 0  # where the way being read begins in way_refs
        self.way_tags: list[dict] = []
        self.relations: list[Relation] = []
        self.strings: dict[str, str] = {}
        self.bounds = None
        self.timestamp = ""
        self.generator = ""
        self.root_seen = False
        self.tags: dict | None = None  # tags of the element being read
        self.members: list | None = None
        self.kind = ""
        self.id = 0
        self.skip = False  # a deleted / invisible element (JOSM files, history)

    def parser(self):
        p = expat.ParserCreate()
        p.buffer_text = True
        # Never read a DTD or an external entity; refuse any entity declaration (billion laughs,
        # quadratic blow-up, XXE): OSM XML has no use for them.
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.UseForeignDTD(False)
        p.EntityDeclHandler = self._entity
        p.ExternalEntityRefHandler = self._external
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        return p

    def _entity(self, name, *args):
        raise _err(self.path, f"XML 声明了实体 {name!r}，出于安全原因拒绝读取",
                   f"the XML declares an entity ({name!r}), which is refused for safety")

    def _external(self, *args):
        raise _err(self.path, "XML 引用了外部实体，出于安全原因拒绝读取",
                   "the XML refers to an external entity, which is refused for safety")

    def _invalid(self, element, key):
        return _err(self.path, f"<{element}> 的 {key} 缺失或无效", f"a <{element}> has a missing or invalid {key}")

    def _int(self, attrs, key, element):
        try:
            value = int(attrs[key])
            if not -2**63 <= value < 2**63:  # OSM ids are 64-bit (found by the fuzz test)
                raise ValueError(value)
            return value
        except (KeyError, ValueError):
            raise self._invalid(element, key) from None

    def _start(self, name, attrs):
        # One call per element (4 million for 10^6 walking edges): the common elements first, and
        # for them no method call beyond the one expat makes.
        if not self.root_seen:
            self.root_seen = True
            if name != "osm":
                raise _err(self.path, f"不是 OSM XML（根元素是 <{name}>）", f"not OSM XML (the root element is <{name}>)")
            self.generator = attrs.get("generator", "")
        elif name == "nd":
            if self.kind == "way":
                try:
                    self.way_refs.append(int(attrs["ref"]))  # the array refuses what is not 64-bit
                except (KeyError, ValueError, OverflowError):
                    raise self._invalid("nd", "ref") from None
                if len(self.way_refs) - self.way_start > MAX_WAY_NODES:
                    raise way_too_long(self.path, self.id)
        elif name == "tag":
            if self.tags is not None:
                k, v = attrs.get("k"), attrs.get("v")
                if k is None or v is None:
                    raise _err(self.path, "<tag> 缺少 k 或 v", "a <tag> lacks k or v")
                if len(k) > MAX_TAG_CHARS or len(v) > MAX_TAG_CHARS:
                    raise tag_too_long(self.path, f"{self.kind} {self.id}")
                strings = self.strings
                self.tags[strings.setdefault(k, k)] = strings.setdefault(v, v)
        elif name == "node":
            # _begin, written out: a district holds 10^6 nodes.
            self.kind = "node"
            try:
                self.id = int(attrs["id"])
            except (KeyError, ValueError):
                raise self._invalid("node", "id") from None
            if not -2**63 <= self.id < 2**63:
                raise self._invalid("node", "id")
            self.tags = {}
            self.skip = "visible" in attrs and attrs["visible"] == "false" or \
                "action" in attrs and attrs["action"] == "delete"
            if "timestamp" in attrs and attrs["timestamp"] > self.timestamp:
                self.timestamp = attrs["timestamp"]
            if not self.skip:
                try:
                    lon, lat = float(attrs["lon"]), float(attrs["lat"])
                except (KeyError, ValueError):
                    raise _err(self.path, f"节点 {self.id} 的经纬度缺失或无效",
                               f"node {self.id} has a missing or invalid lat/lon") from None
                if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
                    raise _err(self.path, f"节点 {self.id} 的经纬度 ({lon}, {lat}) 超出范围",
                               f"node {self.id} has lon/lat ({lon}, {lat}) out of range")
                if len(self.node_ids) >= MAX_NODES:
                    raise too_many_nodes(self.path)
                self.node_ids.append(self.id)
                self.lon.append(lon)
                self.lat.append(lat)
        elif name == "way":
            self._begin("way", attrs)
            self.way_start = len(self.way_refs)
        elif name == "relation":
            self._begin("relation", attrs)
            self.members = []
        elif name == "member":
            if self.members is not None:
                t = attrs.get("type", "")[:1]
                self.members.append((t, self._int(attrs, "ref", "member"), attrs.get("role", "")))
        elif name == "bounds":
            try:
                self.bounds = tuple(float(attrs[k]) for k in ("minlon", "minlat", "maxlon", "maxlat"))
            except (KeyError, ValueError):
                self.bounds = None
        elif name in ("osmChange", "create", "modify", "delete"):
            raise _err(self.path, "这是 OSM 变更文件（osmChange），不是 OSM 数据", "this is an osmChange file, not OSM data")

    def _begin(self, kind, attrs):
        self.kind = kind
        self.id = self._int(attrs, "id", kind)
        self.tags = {}
        self.skip = attrs.get("visible") == "false" or attrs.get("action") == "delete"
        ts = attrs.get("timestamp")
        if ts and ts > self.timestamp:
            self.timestamp = ts

    def _end(self, name):
        if name != self.kind:
            return
        if name == "way":
            if self.skip:
                del self.way_refs[self.way_start:]
            else:
                self.way_ids.append(self.id)
                self.way_lengths.append(len(self.way_refs) - self.way_start)
                self.way_tags.append(self.tags)
        elif not self.skip:
            if name == "node":
                if self.tags:
                    self.node_tags[self.id] = self.tags
            elif name == "relation":
                self.relations.append(Relation(self.id, self.tags, self.members))
        self.kind, self.tags, self.members = "", None, None

    def data(self) -> OsmData:
        offsets = np.zeros(len(self.way_ids) + 1, dtype=np.int64)
        np.cumsum(_int64(self.way_lengths), out=offsets[1:])
        return _finish(OsmData(_int64(self.node_ids), _float64(self.lon), _float64(self.lat), self.node_tags,
                               _int64(self.way_ids), offsets, _int64(self.way_refs), self.way_tags, self.relations,
                               self.bounds, self.timestamp or None, self.generator, "OSM XML"))


def _int64(values: array) -> np.ndarray:
    return np.frombuffer(values, dtype=np.int64) if len(values) else np.empty(0, np.int64)


def _float64(values: array) -> np.ndarray:
    return np.frombuffer(values, dtype=np.float64) if len(values) else np.empty(0, np.float64)


def _check_markup(path: Path, block: bytes, unfinished: int) -> int:
    """Refuse markup (an element, an attribute) longer than MAX_MARKUP_BYTES before expat buffers
    it whole — a 1 MB .osm.gz can hold a 1 GB attribute; return the bytes after the block's last '>'."""
    first = block.find(b">")
    if unfinished + (len(block) if first < 0 else first) > MAX_MARKUP_BYTES:
        mb = MAX_MARKUP_BYTES >> 20
        raise _err(path, f"有一段 XML 标记超过 {mb} MB，不是 OSM 数据", f"it holds a piece of XML markup longer than {mb} MB, which OSM data never has")
    return unfinished + len(block) if first < 0 else len(block) - block.rfind(b">") - 1


def read_xml(path: str | os.PathLike, progress: Progress | None = None, compression: str = "") -> OsmData:
    path = Path(path)
    reader = _XmlReader(path)
    parser = reader.parser()
    opener = {"": open, "gz": gzip.open, "bz2": bz2.open}[compression]
    size = max(path.stat().st_size, 1)
    chunk = 1 << 20
    check_progress(progress, 0.0, "reading OSM XML")
    total = unfinished = 0  # bytes read so far; bytes since the last '>'
    try:
        with opener(path, "rb") as f:
            raw = f if compression == "" else getattr(f, "fileobj", None)
            while True:
                block = f.read(chunk)
                if not block:
                    break
                total += len(block)
                if total > MAX_TEXT_BYTES:
                    raise too_much_text(path)
                unfinished = _check_markup(path, block, unfinished)
                parser.Parse(block, False)
                done = (raw.tell() if raw is not None and hasattr(raw, "tell") else 0) / size
                check_progress(progress, 0.4 * min(done, 1.0), "reading OSM XML")
            parser.Parse(b"", True)
    except expat.ExpatError as e:
        code = expat.ErrorString(e.code)
        if e.code == expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS] and not reader.root_seen:
            raise _err(path, "文件没有任何 XML 元素", "the file holds no XML element") from None
        if e.code in (expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS],
                      expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN],
                      expat.errors.codes[expat.errors.XML_ERROR_PARTIAL_CHAR]):
            raise _err(path, f"XML 在第 {e.lineno} 行提前结束（文件被截断？）",
                       f"the XML ends early at line {e.lineno} (is the file truncated?)") from None
        raise _err(path, f"不是有效的 OSM XML（第 {e.lineno} 行第 {e.offset} 列：{code}）",
                   f"not valid OSM XML ({code} at line {e.lineno}, column {e.offset})") from None
    except LookupError as e:  # <?xml encoding="…"?> naming no known encoding (found by the fuzz test)
        raise _err(path, f"XML 声明的编码无法识别（{e}）", f"the XML declares an encoding that is not known ({e})") from None
    except (OSError, EOFError, ValueError, zlib.error) as e:  # zlib.error: a damaged .gz (found by the fuzz test)
        raise _err(path, f"无法读取（{e}）", f"cannot be read ({e})") from None
    if not reader.root_seen:
        raise _err(path, "文件没有任何 XML 元素", "the file holds no XML element")
    return reader.data()


# --- PBF --------------------------------------------------------------------------------------
_ESCAPE = re.compile(r"%([0-9a-fA-F]+)%")


def _opl_decode(b: bytes) -> str:
    s = b.decode("utf-8", "replace")
    return _ESCAPE.sub(_unescape, s) if "%" in s else s


def _opl_tags(field_: bytes) -> dict:
    """'Tk=v,k2=v2' (OPL: ',', '=', space and the like are %hex% escaped) -> {k: v}."""
    if len(field_) <= 1:
        return {}
    s = field_[1:].decode("utf-8", "replace")
    pairs = [kv.split("=", 1) for kv in s.split(",")]  # raw ',' and '=' only ever separate
    if "%" in s:
        flat = [x for kv in pairs for x in kv]
        decoded = _ESCAPE.sub(_unescape, "\n".join(flat)).split("\n")  # one regex pass per object
        if len(decoded) != len(flat):  # a decoded value held a newline
            decoded = [_ESCAPE.sub(_unescape, x) for x in flat]
        it = iter(decoded)
        pairs = [[next(it) for _ in kv] for kv in pairs]
    try:
        return dict(pairs)
    except ValueError:  # a tag without "=": keep what can be read
        return dict(kv for kv in pairs if len(kv) == 2)


def _unescape(m) -> str:
    return chr(int(m.group(1), 16))


_SPLIT_KV = operator.methodcaller("split", "\x02", 1)
# A key or value (after 'T' at a line's start, or after a \x01/\x02 separator) of more than
# MAX_TAG_CHARS characters, found in one pass over all objects' tags.
_LONG_TAG = re.compile("(?:(?<=[\x01\x02])|(?<=^T))[^\x01\x02\n]{%d}" % (MAX_TAG_CHARS + 1), re.M)
_SENTINEL = re.compile("\x03([0-9a-fA-F]+)\x03")


def _opl_tags_many(fields: list[bytes], path: Path | None = None, what: str = "") -> list[dict]:
    """``_opl_tags`` for many objects with one decode and one regex pass over all of them.

    Raw ',' and '=' only ever separate (escaped ones are %2c% and %3d%), so they become the
    control characters \x01 and \x02, which OPL never holds raw, before unescaping. An escaped
    newline or control character that would clash stays wrapped in \x03 until the tags are split."""
    if not fields:
        return []
    text = b"\n".join(fields).decode("utf-8", "replace")
    text = text.replace(",", "\x01").replace("=", "\x02")
    clash = False
    if "%" in text:
        def unescape(m):
            nonlocal clash
            c = chr(int(m.group(1), 16))
            if c in "\x01\x02\x03\n":
                clash = True
                return "\x03" + m.group(1) + "\x03"
            return c

        text = _ESCAPE.sub(unescape, text)
    if path is not None and _LONG_TAG.search(text):
        raise tag_too_long(path, what)
    lines = text.split("\n")
    if len(lines) != len(fields):  # cannot happen; be safe
        return [_opl_tags(f) for f in fields]
    out = []
    for line, f in zip(lines, fields):
        if len(line) <= 1:
            out.append({})
            continue
        try:
            tags = dict(map(_SPLIT_KV, line[1:].split("\x01")))
        except ValueError:
            tags = _opl_tags(f)
        if clash and "\x03" in line:
            tags = {_SENTINEL.sub(_unescape, k): _SENTINEL.sub(_unescape, v) for k, v in tags.items()}
        out.append(tags)
    return out


def _numbers(tokens: list[bytes], prefix: bytes, dtype) -> np.ndarray | None:
    """['n12', 'n15'] -> array([12, 15]) in one C-level pass; None if any token is malformed."""
    text = b" ".join(tokens).replace(prefix, b" ")
    arr = np.array(text.split(), dtype=dtype) if dtype is np.float64 else np.fromstring(text, dtype=dtype, sep=" ")
    return arr if len(arr) == len(tokens) else None


def read_pbf(path: str | os.PathLike, progress: Progress | None = None) -> OsmData:
    import osmium  # only here: XML import works without libosmium

    path = Path(path)
    check_progress(progress, 0.0, "reading OSM PBF")
    try:
        reader = osmium.io.Reader(str(path), osmium.osm.NOTHING)
        header = reader.header()
        stamp = header.get("osmosis_replication_timestamp") or None
        generator = header.get("generator") or ""
        box = header.box()
        reader.close()
        bounds = (box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat) if box.valid() else None
        with tempfile.TemporaryDirectory(prefix="lifecircle-osm-") as tmp:
            data = _pbf_text(path, Path(tmp) / "data.opl")
    except PlanError:
        raise
    except Exception as e:  # libosmium reports a damaged or truncated PBF as RuntimeError
        msg = str(e).strip().rstrip(".") or type(e).__name__
        raise _err(path, f"不是有效的 OSM PBF 文件（{msg}）", f"not a valid OSM PBF file ({msg})") from None
    check_progress(progress, 0.25, "reading OSM PBF")
    return _parse_opl(path, data, bounds, stamp, generator)


def _pbf_text(path: Path, opl: Path) -> bytes:
    """The PBF as OPL text, converted by libosmium in a child capped at MAX_TEXT_BYTES of output."""
    child = subprocess.run([sys.executable, str(Path(__file__).with_name("pbf_to_opl.py")), str(path), str(opl),
                            str(MAX_TEXT_BYTES)], capture_output=True, text=True, errors="replace")
    if opl.exists() and opl.stat().st_size >= MAX_TEXT_BYTES:
        raise too_much_text(path)
    if child.returncode != 0:
        lines = child.stderr.strip().splitlines()
        raise RuntimeError(lines[-1] if lines else f"exit code {child.returncode}")
    return opl.read_bytes()


def _parse_opl(path: Path, data: bytes, bounds, stamp, generator) -> OsmData:
    # Sections: libosmium writes objects in input order; a PBF is sorted nodes, ways, relations.
    def start(ch: bytes) -> int:  # offset of the first line starting with ch, or -1
        if data.startswith(ch):
            return 0
        i = data.find(b"\n" + ch)
        return i + 1 if i >= 0 else -1

    w, r = start(b"w"), start(b"r")
    end = len(data)
    r_at = r if r >= 0 else end
    w_at = w if w >= 0 else r_at
    sorted_ = (w_at <= r_at and data.find(b"\nn", w_at) == -1 and data.find(b"\nw", r_at) == -1)
    if not sorted_:
        lines = data.split(b"\n")
        nodes = b"\n".join(line for line in lines if line[:1] == b"n")
        ways = b"\n".join(line for line in lines if line[:1] == b"w")
        rels = b"\n".join(line for line in lines if line[:1] == b"r")
    else:
        nodes, ways, rels = data[:w_at], data[w_at:r_at], data[r_at:]

    # Nodes: "n<id> T<tags> x<lon> y<lat>" — tags are %-escaped, so every line is 4 tokens.
    tok = nodes.split()
    if len(tok) % 4:
        raise _err(path, "PBF 中有无法读取的节点", "the PBF holds a node that cannot be read")
    ids = _numbers(tok[0::4], b"n", np.int64)
    lon = _numbers(tok[2::4], b"x", np.float64)
    lat = _numbers(tok[3::4], b"y", np.float64)
    if ids is None or lon is None or lat is None:
        # A node without a location ("x y"): keep the located ones, like libosmium does.
        keep = [i for i in range(len(tok) // 4) if len(tok[4 * i + 2]) > 1 and len(tok[4 * i + 3]) > 1]
        sel = [tok[4 * i + j] for i in keep for j in range(4)]
        tok = sel
        ids = _numbers(tok[0::4], b"n", np.int64)
        lon = _numbers(tok[2::4], b"x", np.float64)
        lat = _numbers(tok[3::4], b"y", np.float64)
    tag_fields = tok[1::4]
    tagged = np.flatnonzero(np.fromiter(map(len, tag_fields), dtype=np.int64, count=len(tag_fields)) > 1)
    if len(ids) > MAX_NODES:
        raise too_many_nodes(path)
    node_tags = dict(zip(ids[tagged].tolist(), _opl_tags_many([tag_fields[i] for i in tagged.tolist()], path, "a node")))

    # Ways: "w<id> T<tags> N<n1>,<n2>,…"
    wt = ways.split()
    if len(wt) % 3:
        raise _err(path, "PBF 中有无法读取的路径", "the PBF holds a way that cannot be read")
    way_ids = _numbers(wt[0::3], b"w", np.int64)
    refs_fields = wt[2::3]
    lengths = np.array([f.count(b",") + 1 if len(f) > 1 else 0 for f in refs_fields], dtype=np.int64)
    if len(lengths) and lengths.max() > MAX_WAY_NODES:
        raise way_too_long(path, way_ids[int(np.argmax(lengths))])
    joined = b",".join(f[1:] for f in refs_fields if len(f) > 1).replace(b"n", b" ").replace(b",", b" ")
    way_refs = np.fromstring(joined, dtype=np.int64, sep=" ") if joined.strip() else np.empty(0, np.int64)
    if len(way_refs) != lengths.sum():
        raise _err(path, "PBF 中有无法读取的路径节点列表", "the PBF holds a way node list that cannot be read")
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    way_tags = _opl_tags_many(wt[1::3], path, "a way")

    # Relations: "r<id> T<tags> M<type><ref>@<role>,…"
    relations = []
    for line in rels.split(b"\n"):
        if not line.startswith(b"r"):
            continue
        parts = line.split(b" ")
        tags = _opl_tags(parts[1]) if len(parts) > 1 else {}
        if any(len(k) > MAX_TAG_CHARS or len(v) > MAX_TAG_CHARS for k, v in tags.items()):
            raise tag_too_long(path, f"relation {parts[0][1:].decode()}")
        members = []
        if len(parts) > 2 and len(parts[2]) > 1:
            for m in parts[2][1:].split(b","):
                ref, _, role = m.partition(b"@")
                members.append((chr(ref[0]), int(ref[1:]), _opl_decode(role)))
        relations.append(Relation(int(parts[0][1:]), tags, members))
    return _finish(OsmData(ids, lon, lat, node_tags, way_ids if way_ids is not None else np.empty(0, np.int64),
                           offsets, way_refs, way_tags, relations, bounds, stamp, generator, "OSM PBF"))


def _finish(d: OsmData) -> OsmData:
    """Sort nodes by id (searchsorted needs it) and drop duplicate ids (first one wins)."""
    if len(d.node_ids) and np.any(np.diff(d.node_ids) <= 0):
        order = np.argsort(d.node_ids, kind="stable")
        ids = d.node_ids[order]
        first = np.ones(len(ids), dtype=bool)
        first[1:] = ids[1:] != ids[:-1]
        d.duplicate_nodes = int((~first).sum())
        keep = order[first]
        d.node_ids, d.lon, d.lat = d.node_ids[keep], d.lon[keep], d.lat[keep]
    return d


def header_centre(path: str | os.PathLike) -> tuple[float, float] | None:
    """The centre (lon, lat) of an OSM file's declared bounds, read from its header only (the
    first 64 KB of an XML file, a PBF's header block): where a plan made from it will lie, known
    before it is read. None when the file declares no bounds or cannot be read."""
    import re
    try:
        kind = sniff(path)
        if kind == "pbf":
            import osmium
            reader = osmium.io.Reader(str(path), osmium.osm.NOTHING)
            box = reader.header().box()
            reader.close()
            if not box.valid():
                return None
            w, s, e, n = box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat
        else:
            opener = {"xml": open, "xml.gz": gzip.open, "xml.bz2": bz2.open}[kind]
            with opener(path, "rb") as f:
                head = f.read(65536)
            tag = re.search(rb"<bounds\b[^>]*>", head)
            if tag is None:
                return None
            values = dict(re.findall(rb'(\w+)="([^"]*)"', tag.group(0)))
            w, s, e, n = (float(values[k]) for k in (b"minlon", b"minlat", b"maxlon", b"maxlat"))
    except Exception:  # a file that cannot be read says so when it is imported
        return None
    return (w + e) / 2, (s + n) / 2
