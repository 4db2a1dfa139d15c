"""The plan file: one GeoPackage 1.3 (SQLite) written through sqlite-utils (design.md §2).

One connection, owned by one thread. Every edit is one short transaction; the journal is WAL so a
kill at any moment leaves a file that opens and holds every edit that had returned. Opening a
file that is not a plan — or is damaged — raises NotAPlan and changes nothing on disk: the file
is probed read-only before it is opened for writing.
"""
from __future__ import annotations

import json
import os
import sqlite3
import struct
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from . import crs as crs_mod
from .errors import NotAPlan, PlanError, read_user_file
from .schema import LAYERS, SCHEMA_VERSION

GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_USER_VERSION = 10300  # GeoPackage 1.3.0
SQLITE_MAGIC = b"SQLite format 3\x00"


_not_a_plan = NotAPlan.about_file

# SQLite's write-ahead log and its index beside a plan in WAL mode: a plan file replaced or
# removed without them would meet a stranger's log when next opened.
SIDE_FILE_SUFFIXES = ("-wal", "-shm")


def remove_side_files(path: str | os.PathLike) -> None:
    """Delete the -wal and -shm files beside ``path`` (before another file takes its name)."""
    for suffix in SIDE_FILE_SUFFIXES:
        Path(str(path) + suffix).unlink(missing_ok=True)


def remove_plan_file(path: str | os.PathLike) -> None:
    """Delete a plan file and its side files (a replaced plan, or one a failed import made)."""
    Path(path).unlink(missing_ok=True)
    remove_side_files(path)


def _meta_value(path: Path, key: str, text):
    """One plan_meta value (JSON text), or NotAPlan naming the key when another program broke it."""
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        raise _not_a_plan(path, f"规划信息 plan_meta 中的 {key} 已损坏", f"the plan's {key} in plan_meta is damaged") from None


def probe(path: str | os.PathLike) -> None:
    """Raise NotAPlan unless ``path`` looks like an intact plan file. Reads only."""
    p = Path(path)
    header = read_user_file(p, "规划文件", "a plan file", 100, NotAPlan)
    size = p.stat().st_size
    if len(header) < 100 or header[:16] != SQLITE_MAGIC:
        raise _not_a_plan(p, "不是规划文件（不是 SQLite/GeoPackage 数据库）",
                          "not a plan file (not an SQLite/GeoPackage database)")
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    pages = struct.unpack(">I", header[28:32])[0]
    # The in-header page count is valid when the two change counters agree (SQLite file format §1.3.7).
    if header[24:28] == header[92:96] and pages and size < page_size * pages:
        raise _not_a_plan(p, f"文件已损坏（被截断：{size} 字节，应为 {page_size * pages} 字节）",
                          f"the file is damaged (truncated: {size} bytes of {page_size * pages})")
    try:
        conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            version = None
            if "plan_meta" in tables:
                row = conn.execute("SELECT value FROM plan_meta WHERE key='schema_version'").fetchone()
                version = _meta_value(p, "schema_version", row[0]) if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise _not_a_plan(p, f"文件已损坏（{e}）", f"the file is damaged ({e})") from None
    if app_id != GPKG_APPLICATION_ID or "gpkg_contents" not in tables:
        raise _not_a_plan(p, "这是一个 SQLite 数据库，但不是 GeoPackage 规划文件",
                          "this is an SQLite database but not a GeoPackage plan")
    if "plan_meta" not in tables or version is None:
        raise _not_a_plan(p, "这是一个 GeoPackage，但不是本软件的规划文件（缺少 plan_meta）",
                          "this is a GeoPackage but not a lifecircle plan (no plan_meta table)")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _not_a_plan(p, f"规划文件的版本号 {version!r} 无法识别（文件已损坏）",
                          f"the plan's schema version {version!r} cannot be understood (the file is damaged)")
    if version > SCHEMA_VERSION:
        raise _not_a_plan(p, f"规划文件版本 {version} 比本软件新，请升级软件",
                          f"the plan's schema version {version} is newer than this app supports; please upgrade")
    missing = [n for n in LAYERS if n not in tables]
    if version == SCHEMA_VERSION and missing:
        raise _not_a_plan(p, f"规划文件缺少图层 {', '.join(missing)}", f"the plan lacks layers {', '.join(missing)}")


class Store:
    """The single database handle of one plan file."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn)

    # --- opening -------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike, epsg: int, meta: dict) -> "Store":
        path = Path(path)
        if path.exists():
            raise PlanError(f"文件已存在：{path.name}", f"the file already exists: {path.name}")
        tmp = path.with_name(path.name + ".creating")
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            store = cls(tmp, conn)
            store._create_schema(epsg, meta)
            conn.close()
            # Created under a temporary name and renamed: a kill during creation leaves no half plan.
            os.replace(tmp, path)
        except BaseException:
            conn.close()
            tmp.unlink(missing_ok=True)
            raise
        return cls.open(path)

    @classmethod
    def open(cls, path: str | os.PathLike) -> "Store":
        path = Path(path)
        probe(path)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable against a killed process in WAL mode (only power loss can lose
            # the last commits); FULL would fsync on every edit.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA cache_size=-65536")  # 64 MB of page cache: imports write 10^5 rows
            store = cls(path, conn)
            store._migrate()
        except sqlite3.DatabaseError as e:
            conn.close()
            raise _not_a_plan(path, f"文件已损坏（{e}）", f"the file is damaged ({e})") from None
        return store

    def close(self) -> None:
        try:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.DatabaseError:
            pass
        self.conn.close()

    # --- transactions --------------------------------------------------------------------
    @contextmanager
    def transaction(self):
        """One edit = one transaction (BEGIN IMMEDIATE … COMMIT, rolled back on any error).
        Nested use (a batch of edits) becomes a savepoint inside the outer transaction."""
        if self.conn.in_transaction:
            self.conn.execute("SAVEPOINT nested")
            try:
                yield self.db
            except BaseException:
                self.conn.execute("ROLLBACK TO nested")
                self.conn.execute("RELEASE nested")
                raise
            self.conn.execute("RELEASE nested")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # --- meta ----------------------------------------------------------------------------
    def get_meta(self) -> dict:
        return {r["key"]: _meta_value(self.path, r["key"], r["value"]) for r in self.db["plan_meta"].rows}

    def set_meta(self, db, **values) -> None:
        db["plan_meta"].upsert_all(
            [{"key": k, "value": json.dumps(v, ensure_ascii=False)} for k, v in values.items()], pk="key")

    # --- schema --------------------------------------------------------------------------
    def _create_schema(self, epsg: int, meta: dict) -> None:
        c = self.conn
        c.execute(f"PRAGMA application_id={GPKG_APPLICATION_ID}")
        c.execute(f"PRAGMA user_version={GPKG_USER_VERSION}")
        c.execute("PRAGMA journal_mode=WAL")
        with self.transaction() as db:
            # The three required GeoPackage tables (GeoPackage 1.3 §1.1.2, §1.1.3, §2.1.5).
            c.execute("""CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL,
                srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
                definition TEXT NOT NULL, description TEXT)""")
            c.execute("""CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY,
                data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
                last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
                CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""")
            c.execute("""CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL,
                column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
                z TINYINT NOT NULL, m TINYINT NOT NULL,
                CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
                CONSTRAINT uk_gc_table_name UNIQUE (table_name),
                CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
                CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""")
            srs = [
                ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
                ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
                ("WGS 84 geodetic", 4326, "EPSG", 4326, crs_mod.wkt(4326), "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"),
            ]
            if epsg != 4326:
                srs.append((crs_mod.name(epsg), epsg, "EPSG", epsg, crs_mod.wkt(epsg), "the plan's projected metric CRS"))
            c.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)", srs)
            c.execute("CREATE TABLE plan_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            c.execute("""CREATE TABLE scenarios (name TEXT PRIMARY KEY, parent TEXT,
                created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))""")
            c.execute("""CREATE TABLE rule_packs (id TEXT PRIMARY KEY, text TEXT NOT NULL,
                sha256 TEXT NOT NULL, enabled BOOLEAN NOT NULL DEFAULT 1)""")
            c.execute("""CREATE TABLE manual_checks (scenario TEXT NOT NULL, rule TEXT NOT NULL,
                answer TEXT, note TEXT, PRIMARY KEY (scenario, rule))""")
            for layer in LAYERS.values():
                self._create_layer(layer, epsg)
            self._migration_2_overrides(c)
            # Non-spatial tables are registered as GeoPackage "attributes" (GeoPackage 1.3 §2.4).
            c.executemany("INSERT INTO gpkg_contents(table_name, data_type, identifier) VALUES (?, 'attributes', ?)",
                          [(t, t) for t in ("plan_meta", "scenarios", "rule_packs", "manual_checks")])
            self.set_meta(db, srs_id=epsg, schema_version=SCHEMA_VERSION, **meta)
            c.execute("INSERT INTO scenarios(name, parent) VALUES ('base', NULL)")

    def _create_layer(self, layer, epsg: int) -> None:
        cols = ", ".join(f'"{f.name}" {f.sql}' for f in layer.fields)
        scenario = "" if not layer.editable else ", scenario TEXT NOT NULL DEFAULT 'base'"
        self.conn.execute(f'CREATE TABLE "{layer.name}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, '
                          f'geom {layer.geometry}{scenario}, {cols})')
        if layer.editable:
            self.conn.execute(f'CREATE INDEX "{layer.name}_scenario" ON "{layer.name}"(scenario)')
        self.conn.execute(
            "INSERT INTO gpkg_contents(table_name, data_type, identifier, description, srs_id) VALUES (?,?,?,?,?)",
            (layer.name, "features", layer.name, layer.title_en, epsg))
        self.conn.execute("INSERT INTO gpkg_geometry_columns VALUES (?,?,?,?,0,0)",
                          (layer.name, "geom", layer.geometry, epsg))

    # Forward migrations: MIGRATIONS[n] upgrades a schema-version-n file to n+1, in one transaction.
    @staticmethod
    def _migration_2_overrides(c) -> None:
        """v2: a district's own thresholds (design.md §3), stored in the plan and shown in reports."""
        c.execute("""CREATE TABLE IF NOT EXISTS rule_overrides (rule TEXT NOT NULL, community_kind TEXT NOT NULL,
            key TEXT NOT NULL, value REAL NOT NULL, note TEXT, PRIMARY KEY (rule, community_kind, key))""")
        c.execute("INSERT OR IGNORE INTO gpkg_contents(table_name, data_type, identifier) "
                  "VALUES ('rule_overrides', 'attributes', 'rule_overrides')")

    MIGRATIONS = {1: _migration_2_overrides}

    def _migrate(self) -> None:
        version = self.get_meta()["schema_version"]
        while version < SCHEMA_VERSION:
            with self.transaction() as db:
                self.MIGRATIONS[version](self.conn)
                version += 1
                self.set_meta(db, schema_version=version)

    def set_extent(self, layer: str, bounds) -> None:
        """Record a layer's extent in gpkg_contents (QGIS uses it to zoom to a layer)."""
        self.conn.execute("UPDATE gpkg_contents SET min_x=?, min_y=?, max_x=?, max_y=?, "
                          "last_change=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name=?",
                          (*[float(b) for b in bounds], layer))
