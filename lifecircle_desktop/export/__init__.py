"""The district bundle (design.md §11, issue 12): what leaves the app for a district planning office
(区规划资源局) — the report (PDF), the project list (项目实施清单, XLSX), CAD (DXF), the scenario's
GeoPackage and RFC 7946 GeoJSON.

One entry point, :meth:`PlanSession.export <lifecircle_desktop.model.session.PlanSession.export>`, behind
``lifecircle export`` and File → Export bundle. Every writer takes the same :class:`~.context.BundleContext`
(the plan, the scenario validated, the options, the target CRS) and a :class:`~.context.Progress`, and
writes one file at a path it is given; the bundle writes into a temporary folder and renames it when
everything is complete, so a cancelled or failed export leaves nothing behind.

The report is drawn with Qt's painter (QPdfWriter) and imports Qt when it runs; everything else here is
Qt-free, like the model.
"""
from .context import FORMATS, BundleContext, ExportCancelled, ExportOptions, Progress, TargetCRS, target_crs

__all__ = ["FORMATS", "BundleContext", "ExportCancelled", "ExportOptions", "Progress", "TargetCRS", "target_crs"]
