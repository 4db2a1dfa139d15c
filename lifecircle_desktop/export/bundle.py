"""The district bundle as one folder (issue 12 item 1): every part asked for, written into a
temporary folder beside the target and renamed when all of it is complete.

A cancelled or failed export leaves nothing: the temporary folder (".<name>.partial-<pid>") is
removed, and so is a target folder the export itself created. An earlier bundle is never
overwritten: the folder takes " (2)", " (3)"… when its name is taken.
"""
from __future__ import annotations

import importlib
import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..model.edits import BASE_WORDS
from ..model.errors import PlanError
from .context import CRS_CHOICES, FORMATS, OPTIONAL_PARTS, BundleContext, ExportOptions, Progress
from .names import bundle_folder_name, unique_path

if TYPE_CHECKING:  # pragma: no cover
    from ..model.session import PlanSession

LANGUAGES = ("zh", "en")
# Each part: the module and function that write it (imported when the part is asked for: the report
# pulls in Qt), the name it has inside the bundle (fixed: docs/export_interfaces), its words.
PARTS = {
    "gpkg": ("gis", "write_geopackage", "plan.gpkg", ("GeoPackage", "GeoPackage")),
    "geojson": ("gis", "write_geojson", "geojson", ("GeoJSON", "GeoJSON")),
    "dxf": ("dxf", "write_dxf", "plan.dxf", ("CAD 图（DXF）", "CAD drawing (DXF)")),
    "xlsx": ("xlsx", "write_project_list", "project_list.xlsx", ("项目实施清单（XLSX）", "project list (XLSX)")),
    "report": ("report", "write_report", "report.pdf", ("报告（PDF）", "report (PDF)")),
    "poster": ("poster", "write_bundle_poster", "poster.pdf", ("居民海报（A3 PDF）", "residents' poster (A3 PDF)")),
}
# Shares of the progress bar: roughly each part's time on the demo (the report draws maps and charts).
WEIGHTS = {"gpkg": 2.0, "geojson": 2.0, "dxf": 2.0, "xlsx": 1.0, "report": 6.0, "poster": 2.0}
VALIDATED = 0.1  # the share of validating the scenario (and the compared one)


def checked_options(options: ExportOptions) -> ExportOptions:
    """``options`` with ``only`` in the bundle's order, once each; a part, CRS or language that
    does not exist refused in one sentence."""
    only = tuple(options.only)
    known = FORMATS + OPTIONAL_PARTS
    unknown = [p for p in only if p not in known]
    if unknown:
        raise PlanError(f"没有导出部分 {unknown[0]}（可选：{', '.join(known)}）",
                        f"there is no export part {unknown[0]} (choose from {', '.join(known)})")
    if not only:
        raise PlanError("没有选择要导出的部分", "no part of the bundle was chosen")
    if options.crs not in CRS_CHOICES:
        raise PlanError(f"未知的坐标系选项 {options.crs}（可选：{', '.join(CRS_CHOICES)}）",
                        f"unknown CRS choice {options.crs} (choose from {', '.join(CRS_CHOICES)})")
    if options.lang not in LANGUAGES:
        raise PlanError(f"未知的语言 {options.lang}（可选：zh、en）", f"unknown language {options.lang} (choose zh or en)")
    return replace(options, only=tuple(p for p in known if p in only))


def writer(part: str) -> Callable:
    """The function writing ``part``; a part whose module is not in this build is refused in one
    sentence (each writer is imported only when asked for)."""
    module, function, _name, (zh, en) = PARTS[part]
    qualified = f"{__package__}.{module}"
    try:
        return getattr(importlib.import_module(qualified), function)
    except ModuleNotFoundError as e:
        if e.name != qualified:
            raise
        raise PlanError(f"本版本不能导出{zh}", f"this build cannot write the {en}") from None


def scenario_title(scenario: str, lang: str) -> str:
    """The base scenario in words (基础方案 / Base scenario); another by its own name."""
    return (BASE_WORDS[0] if lang == "zh" else BASE_WORDS[1]) if scenario == "base" else scenario


def write_bundle(session: "PlanSession", to_dir: str | os.PathLike, options: ExportOptions = ExportOptions(),
                 progress: Progress | None = None) -> Path:
    """Write the bundle of ``session``'s plan into a new folder inside ``to_dir`` (created if
    missing) and return that folder: "<plan>_<scenario>_<date>" made safe. Raises PlanError in one
    sentence (ExportCancelled when cancelled) having left nothing behind."""
    progress = progress or Progress()
    options = checked_options(options)
    writers = {part: writer(part) for part in options.only}  # a part this build lacks: refused before any work
    to_dir = Path(to_dir)
    created = _prepare(to_dir)
    partial: Path | None = None
    try:
        progress.check()
        ctx = BundleContext.build(session, options)
        progress.step(VALIDATED, "方案已核查", "scenario validated")
        name = bundle_folder_name(session.plan.name, scenario_title(ctx.scenario, ctx.lang), ctx.date)
        partial = to_dir / f".{name}.partial-{os.getpid()}"
        _remove_abandoned(to_dir, name)
        partial.mkdir()
        total = sum(WEIGHTS[p] for p in options.only)
        start = VALIDATED
        for part in options.only:
            end = start + (1.0 - VALIDATED) * WEIGHTS[part] / total
            writers[part](ctx, partial / PARTS[part][2], progress.part(start, end))
            start = end
        progress.step(1.0, "导出完成", "export complete")
        progress.check()  # a cancel pressed as the bar reached its end still leaves nothing
        final = unique_path(to_dir, name)
        os.rename(partial, final)
        return final
    except OSError as e:
        _remove(partial, created)
        reason = e.strerror or str(e)
        raise PlanError(f"{to_dir.name or to_dir}：无法写入导出文件（{reason}），未留下任何文件",
                        f"{to_dir.name or to_dir}: the export could not be written ({reason}); nothing was left behind") \
            from None
    except BaseException:
        _remove(partial, created)
        raise


def _prepare(to_dir: Path) -> list[Path]:
    """Check that ``to_dir`` can take the bundle, creating it (and missing parents) if needed;
    returns the folders created, innermost first, to be removed again if the export fails."""
    if to_dir.exists() and not to_dir.is_dir():
        raise PlanError.about_file(to_dir, "不是文件夹，不能导出到这里", "is not a folder; the bundle cannot go there")
    created = []
    folder = to_dir
    while not folder.exists():
        created.append(folder)
        folder = folder.parent
    try:
        to_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        _remove(None, created)
        raise PlanError.about_file(to_dir, f"无法创建文件夹（{e.strerror or e}）",
                                   f"the folder cannot be created ({e.strerror or e})") from None
    if not os.access(to_dir, os.W_OK | os.X_OK):
        _remove(None, created)
        raise PlanError.about_file(to_dir, "文件夹只读，不能导出到这里", "the folder is read-only; the bundle cannot go there")
    return created


def _remove_abandoned(to_dir: Path, name: str) -> None:
    """Temporary folders of this bundle left by an export that was killed (its process is gone;
    ours: a pid reused) — a killed process cannot clean up after itself, the next export does."""
    prefix = f".{name}.partial-"
    for folder in to_dir.iterdir():
        if folder.name.startswith(prefix) and folder.is_dir() and not folder.is_symlink():
            pid = folder.name[len(prefix):]
            if pid.isdigit() and (int(pid) == os.getpid() or not _alive(int(pid))):
                shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process, or a system that cannot tell: leave its folder
    return True


def _remove(partial: Path | None, created: list[Path]) -> None:
    """Take away what a failed or cancelled export made: its temporary folder, then the folders it
    created for the target (only if empty: the planner may have put something there meanwhile)."""
    if partial is not None:
        shutil.rmtree(partial, ignore_errors=True)
    for folder in created:
        try:
            folder.rmdir()
        except OSError:
            break


__all__ = ["write_bundle", "checked_options", "writer", "PARTS", "scenario_title"]
