"""The plan file: one GeoPackage 1.3 (SQLite) written through sqlite-utils (design.md §2).

One connection, owned by one thread. Every edit is one short transaction; the journal is WAL so a
kill at any moment leaves a file that opens and holds every edit that had returned. Opening a
file that is not a plan — or is damaged, or carries code another program stored in it — raises
and changes nothing on disk: the file is probed read-only before it is opened for writing, and
what opening must write (a migration, a repaired key) is committed with the first edit only.
A plan the user may not write (a read-only file, folder or mount) is read into memory and opened
read-only, leaving nothing beside it.
"""
from __future__ import annotations

import json
import os
import sqlite3
import struct
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import sqlite_utils

from . import crs as crs_mod
from .errors import NotAPlan, PlanError, PlanFileError, read_user_file
from .gpkg_sql import envelope, foreign_code, register_functions
from .schema import (BASEMAP_CAD, COMMENT_FIELDS_V6, COMMENTS, EDITABLE_LAYERS, FACILITIES, LAYERS, PROJECT_FIELDS_V4,
                     SCHEMA_VERSION)

GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_USER_VERSION = 10300  # GeoPackage 1.3.0
SQLITE_MAGIC = b"SQLite format 3\x00"


_not_a_plan = NotAPlan.about_file

# SQLite's write-ahead log and its index beside a plan in WAL mode: a plan file replaced or
# removed without them would meet a stranger's log when next opened.
SIDE_FILE_SUFFIXES = ("-wal", "-shm")
_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')"  # GeoPackage 1.3 §1.1.3.1.1: last_change, ISO 8601 UTC


def remove_side_files(path: str | os.PathLike) -> None:
    """Delete the -wal and -shm files beside ``path`` (before another file takes its name)."""
    for suffix in SIDE_FILE_SUFFIXES:
        Path(str(path) + suffix).unlink(missing_ok=True)


def remove_plan_file(path: str | os.PathLike) -> None:
    """Delete a plan file and its side files (a replaced plan, or one a failed import made)."""
    Path(path).unlink(missing_ok=True)
    remove_side_files(path)


class ForeignCode(PlanError):
    """The plan holds triggers or views another program stored in it (not GDAL's own): they would
    run on the planner's edits, so the plan opens only after they are removed with consent
    (``remove_foreign_code``)."""

    def __init__(self, path, names: list[str]):
        listed = ", ".join(names)
        name = Path(path).name
        super().__init__(f"{name}：文件里有其他程序存入的代码（{listed}），编辑时会被执行；经您同意删除后才能打开",
                         f"{name}: the plan holds code another program stored in it ({listed}) that would run "
                         "on every edit; it opens once you agree to remove that code")
        self.names = names


def writable(path: Path) -> bool:
    """Whether SQLite can write ``path`` and the -wal/-shm files beside it (access(2) also says no
    on a read-only mount, even to root)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _log_pages(path: Path, page_size: int) -> tuple[int, set[int]] | None:
    """(database size in pages, pages held) after the last commit in the write-ahead log beside
    ``path``, or None when there is no log with a commit (SQLite file format §4: the WAL)."""
    log = Path(str(path) + "-wal")
    try:
        end = log.stat().st_size
        with open(log, "rb") as f:
            header = f.read(32)
            if len(header) < 32 or struct.unpack(">I", header[:4])[0] not in (0x377F0682, 0x377F0683):
                return None
            if struct.unpack(">I", header[8:12])[0] != page_size:
                return None
            salts = header[16:24]
            pending, held, size = set(), set(), None
            while len(frame := f.read(24)) == 24 and frame[8:16] == salts:
                page, commit = struct.unpack(">II", frame[:8])
                pending.add(page)
                if f.seek(page_size, os.SEEK_CUR) > end:
                    break  # a frame cut short is not part of the log
                if commit:
                    held |= pending
                    pending, size = set(), commit
    except OSError:
        return None
    return None if size is None else (size, held)


def _check_length(p: Path, header: bytes) -> None:
    """Raise NotAPlan when the file is shorter than its pages — unless the write-ahead log beside
    it holds the missing pages: a checkpoint cut short by a kill or a full disk (issue 10 item 1)
    leaves the header counting pages only the log holds yet, and SQLite copies them in on open."""
    size = p.stat().st_size
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    pages = struct.unpack(">I", header[28:32])[0]
    # The in-header page count is valid when the two change counters agree (SQLite file format §1.3.7).
    if header[24:28] != header[92:96] or not pages or size >= page_size * pages:
        return
    log = _log_pages(p, page_size)
    if log is not None:
        needed, held = log
        if set(range(size // page_size + 1, needed + 1)) <= held:
            return
    raise _not_a_plan(p, f"文件已损坏（被截断：{size} 字节，应为 {page_size * pages} 字节）",
                      f"the file is damaged (truncated: {size} bytes of {page_size * pages})")


def _has_log(p: Path) -> bool:
    log = Path(str(p) + "-wal")
    return log.exists() and log.stat().st_size > 0


def _read_uri(p: Path) -> str:
    """A read-only URI for ``p``. Where the plan cannot be written, ``immutable`` keeps SQLite from
    creating -wal/-shm files it could not remove (a read-only file in a writable folder) or from
    failing for want of them (a read-only folder) — safe when no log waits to be copied in."""
    immutable = "&immutable=1" if not writable(p) and not _has_log(p) else ""
    return f"{p.resolve().as_uri()}?mode=ro{immutable}"


read_uri = _read_uri  # for a reader beside the store (validate.prepare_for)


def _meta_value(path: Path, key: str, text):
    """One plan_meta value (JSON text), or NotAPlan naming the key when another program broke it."""
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        raise _not_a_plan(path, f"规划信息 plan_meta 中的 {key} 已损坏", f"the plan's {key} in plan_meta is damaged") from None


def probe(path: str | os.PathLike) -> None:
    """Raise NotAPlan unless ``path`` looks like an intact plan file, ForeignCode when it carries
    code another program stored in it. Reads only."""
    p = Path(path)
    header = read_user_file(p, "规划文件", "a plan file", 100, NotAPlan)
    if len(header) < 100 or header[:16] != SQLITE_MAGIC:
        raise _not_a_plan(p, "不是规划文件（不是 SQLite/GeoPackage 数据库）",
                          "not a plan file (not an SQLite/GeoPackage database)")
    _check_length(p, header)
    if not writable(p) and _has_log(p):
        raise PlanError.about_file(p, "文件所在位置只读，而它的日志文件（-wal）里还有未写入的编辑；请把规划和 -wal 文件一起复制到可写的文件夹",
                                   "the plan is on a read-only location and its log (-wal) holds edits not yet "
                                   "in the file; copy the plan with its -wal file to a writable folder")
    try:
        conn = sqlite3.connect(_read_uri(p), uri=True)
        try:
            conn.execute("PRAGMA trusted_schema=OFF")
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            version = None
            if "plan_meta" in tables:
                row = conn.execute("SELECT value FROM plan_meta WHERE key='schema_version'").fetchone()
                version = _meta_value(p, "schema_version", row[0]) if row else None
            foreign = [name for _kind, name in foreign_code(conn)] if "gpkg_geometry_columns" in tables else []
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
    if foreign:
        raise ForeignCode(p, foreign)


def remove_foreign_code(path: str | os.PathLike) -> list[str]:
    """Drop the triggers and views another program stored in the plan (after the planner agreed);
    returns their names. Nothing of them runs: dropping executes none of their code."""
    p = Path(path)
    try:
        probe(p)
        return []
    except ForeignCode as e:
        names = e.names
    conn = sqlite3.connect(p, isolation_level=None)
    try:
        conn.execute("PRAGMA trusted_schema=OFF")
        conn.execute("BEGIN IMMEDIATE")
        for kind, name in foreign_code(conn):
            quoted = name.replace('"', '""')  # a name is the file's text: quoted, never spliced raw
            conn.execute(f'DROP {"VIEW" if kind == "view" else "TRIGGER"} "{quoted}"')
        conn.execute("COMMIT")
    finally:
        conn.close()
    return names


def _open_error(path: Path, e: sqlite3.DatabaseError) -> PlanError:
    """One sentence for what stopped opening the plan: a busy writer is not damage."""
    text = str(e)
    if "locked" in text or "busy" in text:
        return PlanError.about_file(path, "另一个程序正在写入这个规划，请等它完成后再打开",
                                    "another program is writing to the plan; open it again when it has finished")
    if isinstance(e, sqlite3.IntegrityError):
        return PlanError.about_file(path, f"规划的表中有重复的键（{text}），请在 QGIS 中删除重复的行",
                                    f"a table of the plan holds duplicate keys ({text}); remove the duplicate rows in QGIS")
    return _not_a_plan(path, f"文件已损坏（{text}）", f"the file is damaged ({text})")


# The plan's non-spatial tables (design.md §2): columns, and the key that is unique in each. Their
# primary key is an INTEGER fid (GeoPackage 1.3 requirement 119); the key is a UNIQUE index.
ATTRIBUTE_TABLES = {
    "plan_meta": (("key TEXT NOT NULL", "value TEXT NOT NULL"), ("key",)),
    "scenarios": (("name TEXT NOT NULL", "parent TEXT",
                   "created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))"), ("name",)),
    "rule_packs": (("id TEXT NOT NULL", "text TEXT NOT NULL", "sha256 TEXT NOT NULL",
                    "enabled BOOLEAN NOT NULL DEFAULT 1"), ("id",)),
    "manual_checks": (("scenario TEXT NOT NULL", "rule TEXT NOT NULL", "answer TEXT", "note TEXT"),
                      ("scenario", "rule")),
    "rule_overrides": (("rule TEXT NOT NULL", "community_kind TEXT NOT NULL", "key TEXT NOT NULL",
                        "value REAL NOT NULL", "note TEXT"), ("rule", "community_kind", "key")),
}


def _column_names(columns) -> list[str]:
    return [c.split()[0] for c in columns]


def _create_attribute_table(c, table: str, suffix: str = "") -> None:
    columns, key = ATTRIBUTE_TABLES[table]
    c.execute(f'CREATE TABLE "{table}{suffix}" (fid INTEGER PRIMARY KEY NOT NULL, {", ".join(columns)})')
    c.execute(f'CREATE UNIQUE INDEX "{table}_key" ON "{table}{suffix}" ({", ".join(key)})')


class Store:
    """The single database handle of one plan file."""

    def __init__(self, path: Path, conn: sqlite3.Connection, read_only: bool = False):
        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self._read_only = read_only
        # What opening had to write (a migration, a repaired key), held uncommitted until the
        # first edit: merely reading a plan never changes it (issue 10 item 10).
        self._pending = False
        self._touched: dict[str, list] = {}  # layer: boxes of the rows written in this transaction

    @property
    def read_only(self) -> bool:
        """True when the plan's file, folder or mount may not be written: it was read into memory
        and every write is refused."""
        return self._read_only

    # --- opening -------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike, epsg: int, meta: dict) -> "Store":
        path = Path(path)
        if path.exists():
            raise PlanError(f"文件已存在：{path.name}", f"the file already exists: {path.name}")
        if not path.parent.is_dir():
            raise PlanError.about_file(path, "所在的文件夹不存在", "the folder it should be in does not exist")
        if not os.access(path.parent, os.W_OK):
            raise PlanError.about_file(path, "所在的文件夹只读，不能在这里创建规划",
                                       "the folder is read-only; the plan cannot be created there")
        tmp = path.with_name(path.name + ".creating")
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            store = cls(tmp, conn)
            store._create_schema(epsg, meta)
            conn.close()
            # Created under a temporary name and renamed: a kill during creation leaves no half plan.
            # A -wal left beside a plan deleted while open would be replayed into the new file.
            remove_side_files(path)
            os.replace(tmp, path)
        except BaseException:
            conn.close()
            tmp.unlink(missing_ok=True)
            raise
        return cls.open(path)

    @classmethod
    def open(cls, path: str | os.PathLike) -> "Store":
        """The plan at ``path``, probed first; read-only when the user may not write it."""
        path = Path(path)
        probe(path)
        if not writable(path):
            return cls._open_read_only(path)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
        try:
            cls._configure(conn)
            conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable against a killed process in WAL mode (only power loss can lose
            # the last commits); FULL would fsync on every edit.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA cache_size=-65536")  # 64 MB of page cache: imports write 10^5 rows
            store = cls(path, conn)
            store._prepare()
            store._track_contents()
        except sqlite3.DatabaseError as e:
            conn.close()
            raise _open_error(path, e) from None
        return store

    @classmethod
    def _open_read_only(cls, path: Path) -> "Store":
        """The plan read into memory (migrated there if old), refusing every write: nothing is
        created beside a file the user may not change."""
        memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=True)
        try:
            source = sqlite3.connect(_read_uri(path), uri=True)
            try:
                source.backup(memory)
            finally:
                source.close()
            cls._configure(memory)
            store = cls(path, memory, read_only=True)
            store._prepare()
            store._commit_pending()
            memory.execute("PRAGMA query_only=ON")
        except sqlite3.DatabaseError as e:
            memory.close()
            raise _open_error(path, e) from None
        return store

    @staticmethod
    def _configure(conn: sqlite3.Connection) -> None:
        """Functions GDAL's R-tree triggers call, and no trust in code the file carries. The probe
        has refused any trigger or view that is not GDAL's own (compared with GDAL's text): those
        may then call the GeoPackage functions, which Python cannot mark innocuous."""
        register_functions(conn)
        gdal_triggers = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='trigger'").fetchone()[0]
        conn.execute(f"PRAGMA trusted_schema={'ON' if gdal_triggers else 'OFF'}")

    def close(self) -> None:
        try:
            if self._pending:
                self.conn.execute("ROLLBACK")  # read, never edited: the file stays as it was
            if not self._read_only:
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.DatabaseError:
            pass
        self.conn.close()

    def write_pending(self) -> bool:
        """Write now what opening prepared (an old plan's migration, the keys a GDAL copy dropped)
        instead of with the first edit: the desktop does, so that it holds no write lock while the
        planner works and QGIS can write meanwhile. True if there was anything to write."""
        pending = self._pending
        try:
            self._commit_pending()
        except sqlite3.Error as e:
            raise PlanFileError.from_sqlite(e) from None
        return pending

    def backup_to(self, target: sqlite3.Connection) -> None:
        """Copy the plan as committed into ``target`` (SQLite's online backup, WAL pages included).
        While opening's migration waits uncommitted, this connection holds a write transaction and
        SQLite's backup would return SQLITE_LOCKED on every step (Python retries it forever): the
        file's committed state is copied through a second, read-only connection instead, and the
        copy is migrated when it is opened, like the original — which stays as it was."""
        if not self._pending:
            self.conn.backup(target)
            return
        source = sqlite3.connect(_read_uri(self.path), uri=True)
        try:
            source.backup(target)
        finally:
            source.close()

    def _commit_pending(self) -> None:
        """Write what opening prepared (a migration, repaired keys) — with the first edit."""
        if self._pending:
            self._pending = False
            self.conn.execute("COMMIT")

    # --- transactions --------------------------------------------------------------------
    @contextmanager
    def transaction(self):
        """One edit = one transaction (BEGIN IMMEDIATE … COMMIT, rolled back on any error).
        Nested use (a batch of edits) becomes a savepoint inside the outer transaction.
        Whatever SQLite refuses — the lock held by another program past the busy timeout, a full
        disk, a read-only file, a trigger's error — leaves as one PlanFileError sentence, the
        transaction rolled back: nothing of it is in the file."""
        if self.conn.in_transaction and not self._pending:
            yield from self._savepoint()
            return
        try:
            self._commit_pending()  # what opening prepared (a migration) is written with the first edit
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                self._write_contents()
                self.conn.execute("COMMIT")
            except BaseException:
                self._touched.clear()
                # SQLite may have rolled back already (a full disk ends the transaction itself).
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as e:
            raise PlanFileError.from_sqlite(e) from None

    def _savepoint(self):
        self.conn.execute("SAVEPOINT nested")
        try:
            yield self.db
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK TO nested")
                self.conn.execute("RELEASE nested")
            raise
        self.conn.execute("RELEASE nested")

    # --- meta ----------------------------------------------------------------------------
    def get_meta(self) -> dict:
        return {r["key"]: _meta_value(self.path, r["key"], r["value"]) for r in self.db["plan_meta"].rows}

    def set_meta(self, db, **values) -> None:
        db.conn.executemany("INSERT INTO plan_meta(key, value) VALUES (?, ?) "
                            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                            [(k, json.dumps(v, ensure_ascii=False)) for k, v in values.items()])

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
            for table in ATTRIBUTE_TABLES:
                _create_attribute_table(c, table)
            for layer in LAYERS.values():
                self._create_layer(layer, epsg)
            # Non-spatial tables are registered as GeoPackage "attributes" (GeoPackage 1.3 §2.4).
            c.executemany("INSERT INTO gpkg_contents(table_name, data_type, identifier) VALUES (?, 'attributes', ?)",
                          [(t, t) for t in ATTRIBUTE_TABLES])
            self.set_meta(db, srs_id=epsg, schema_version=SCHEMA_VERSION, **meta)
            c.execute("INSERT INTO scenarios(name, parent) VALUES ('base', NULL)")

    def _create_layer(self, layer, epsg: int) -> None:
        self._create_layer_table(self.conn, layer, epsg)

    @staticmethod
    def _create_layer_table(conn, layer, epsg: int) -> None:
        cols = ", ".join(f'"{f.name}" {f.sql}' for f in layer.fields)
        scenario = "" if not layer.editable else ", scenario TEXT NOT NULL DEFAULT 'base'"
        conn.execute(f'CREATE TABLE "{layer.name}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, '
                     f'geom {layer.geometry}{scenario}, {cols})')
        if layer.editable:
            conn.execute(f'CREATE INDEX "{layer.name}_scenario" ON "{layer.name}"(scenario)')
        conn.execute(
            "INSERT INTO gpkg_contents(table_name, data_type, identifier, description, srs_id) VALUES (?,?,?,?,?)",
            (layer.name, "features", layer.name, layer.title_en, epsg))
        conn.execute("INSERT INTO gpkg_geometry_columns VALUES (?,?,?,?,0,0)",
                     (layer.name, "geom", layer.geometry, epsg))

    # Forward migrations: MIGRATIONS[n] upgrades a schema-version-n file to n+1, in one transaction.
    @staticmethod
    def _migration_2_overrides(c) -> None:
        """v2: a district's own thresholds (design.md §3), stored in the plan and shown in reports."""
        c.execute("""CREATE TABLE IF NOT EXISTS rule_overrides (rule TEXT NOT NULL, community_kind TEXT NOT NULL,
            key TEXT NOT NULL, value REAL NOT NULL, note TEXT, PRIMARY KEY (rule, community_kind, key))""")
        c.execute("INSERT OR IGNORE INTO gpkg_contents(table_name, data_type, identifier) "
                  "VALUES ('rule_overrides', 'attributes', 'rule_overrides')")

    @staticmethod
    def _migration_3_integer_keys(c) -> None:
        """v3: attribute tables keyed by an INTEGER fid, their own keys kept unique by an index
        (GeoPackage 1.3 requirement 119: GDAL's validator failed every plan; issue 10 item 6)."""
        for table, (columns, _key) in ATTRIBUTE_TABLES.items():
            names = ", ".join(_column_names(columns))
            _create_attribute_table(c, table, suffix="_v3")
            c.execute(f'INSERT INTO "{table}_v3" ({names}) SELECT {names} FROM "{table}"')
            c.execute(f'DROP TABLE "{table}"')
            c.execute(f'ALTER TABLE "{table}_v3" RENAME TO "{table}"')
        if c.execute("SELECT 1 FROM sqlite_master WHERE name = 'gpkg_ogr_contents'").fetchone():
            # GDAL's feature counts went with the old tables' triggers: NULL makes GDAL recount.
            c.executemany("UPDATE gpkg_ogr_contents SET feature_count = NULL WHERE table_name = ?",
                          [(t,) for t in ATTRIBUTE_TABLES])

    @staticmethod
    def _migration_4_project_fields(c) -> None:
        """v4: the project list's fields the plan lacked (新建/改建, 实施路径, 投资估算, 年度; issue 12),
        empty on every existing facility. A column a copy already has (QGIS may add one) is kept."""
        present = {r[1] for r in c.execute(f'PRAGMA table_info("{FACILITIES}")')}
        for name in PROJECT_FIELDS_V4:
            if name not in present:
                c.execute(f'ALTER TABLE "{FACILITIES}" ADD COLUMN "{name}" {LAYERS[FACILITIES].field(name).sql}')

    @staticmethod
    def _migration_5_cad_base_map(c) -> None:
        """v5: an empty ``basemap_cad`` layer for CAD drawings (issue 14), in the plan's CRS. A copy
        that already has the table (an app of this version wrote it) keeps it."""
        if c.execute(f"SELECT 1 FROM sqlite_master WHERE name = '{BASEMAP_CAD}'").fetchone():
            return
        srs = c.execute("SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = ?", [FACILITIES]).fetchone()
        Store._create_layer_table(c, LAYERS[BASEMAP_CAD], srs[0])

    @staticmethod
    def _migration_6_comment_fields(c) -> None:
        """v6: comment pins get a category, who said it, the meeting and its date, a reply and their
        number on the map (issue 13 item 4). Status "open" (and none) reads "new"; a role written
        in words (居民, resident…) becomes its code; the pins of each scenario are numbered in the
        order they were placed. A column a copy already has (QGIS may add one) is kept."""
        from .comments import AUTHOR_ROLES  # the codes live with the pins
        present = {r[1] for r in c.execute(f'PRAGMA table_info("{COMMENTS}")')}
        for name in COMMENT_FIELDS_V6:
            if name not in present:
                c.execute(f'ALTER TABLE "{COMMENTS}" ADD COLUMN "{name}" {LAYERS[COMMENTS].field(name).sql}')
        c.execute(f"UPDATE \"{COMMENTS}\" SET status = 'new' WHERE status IS NULL OR status IN ('', 'open')")
        c.executemany(f'UPDATE "{COMMENTS}" SET author_role = ? WHERE author_role IN (?, ?)',
                      [(code, zh, en) for code, (zh, en) in AUTHOR_ROLES.items()])
        c.execute(f'UPDATE "{COMMENTS}" SET number = (SELECT count(*) FROM "{COMMENTS}" AS earlier '
                  f'WHERE earlier.scenario = "{COMMENTS}".scenario AND earlier.fid <= "{COMMENTS}".fid) '
                  "WHERE number IS NULL")

    MIGRATIONS = {1: _migration_2_overrides, 2: _migration_3_integer_keys, 3: _migration_4_project_fields,
                  4: _migration_5_cad_base_map, 5: _migration_6_comment_fields}

    def _prepare(self) -> None:
        """Migrate an old plan and restore the keys a copy through GDAL drops (ogr2ogr keeps no
        UNIQUE index), in one transaction left pending until the first edit."""
        version = self.get_meta()["schema_version"]
        if version == SCHEMA_VERSION and not self._missing_indexes():
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._pending = True
        while version < SCHEMA_VERSION:
            self.MIGRATIONS[version](self.conn)
            version += 1
            self.set_meta(self.db, schema_version=version)
        for sql in self._missing_indexes().values():
            self.conn.execute(sql)

    def _missing_indexes(self) -> dict[str, str]:
        """{index name: its CREATE statement} of the plan's indexes that are not in the file."""
        wanted = {f"{t}_key": f'CREATE UNIQUE INDEX "{t}_key" ON "{t}" ({", ".join(key)})'
                  for t, (_columns, key) in ATTRIBUTE_TABLES.items()}
        wanted.update({f"{n}_scenario": f'CREATE INDEX "{n}_scenario" ON "{n}" (scenario)' for n in EDITABLE_LAYERS})
        present = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        return {name: sql for name, sql in wanted.items() if name not in present}

    def _track_contents(self) -> None:
        """Keep each layer's extent and last_change in gpkg_contents current on every write, by
        whichever code writes (QGIS's "zoom to layer" reads them; issue 10 item 6). TEMP triggers
        live in this connection only, never in the file another program opens; they note each
        written row's box, and the commit records them (one UPDATE per layer, not per row: a
        per-row UPDATE made an import of 10^5 rows 2 s slower)."""
        self.conn.create_function("lifecircle_touched", 2, self._touched_row)
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for layer in (n for n in LAYERS if n in tables):
            for event, geom in (("INSERT", "NEW.geom"), ("UPDATE", "NEW.geom"), ("DELETE", "NULL")):
                self.conn.execute(_contents_trigger(layer, event, geom))

    def _touched_row(self, layer: str, blob) -> None:
        self._touched.setdefault(layer, []).append(envelope(blob))

    @contextmanager
    def inserting_in_bulk(self, layer: str, bounds):
        """Insert many rows of ``layer`` (an import, inside its transaction) without the per-row
        trigger of _track_contents: its Python call was ~3 µs of the ~10 µs a row an import of
        10^6 walking edges spends writing. ``bounds`` (x0, y0, x1, y1) of the rows inserted are
        noted as the trigger would have noted them, so the commit records them the same way."""
        name = f"lifecircle_{layer}_insert"
        tracked = self.conn.execute("SELECT 1 FROM sqlite_temp_master WHERE type = 'trigger' AND name = ?",
                                    (name,)).fetchone() is not None
        if tracked:
            self.conn.execute(f'DROP TRIGGER temp."{name}"')
        try:
            yield
        finally:
            if tracked:  # inside the transaction: a rollback undoes the drop and this alike
                self.conn.execute(_contents_trigger(layer, "INSERT", "NEW.geom"))
        if tracked and bounds is not None and np.isfinite(bounds).all():
            x0, y0, x1, y1 = (float(v) for v in bounds)
            self._touched.setdefault(layer, []).append((x0, x1, y0, y1))  # envelope()'s order

    def _write_contents(self) -> None:
        """Grow the extent and set last_change of each layer written since the last commit."""
        for layer, boxes in self._touched.items():
            known = np.array([b for b in boxes if b is not None], dtype=float).reshape(-1, 4)
            if len(known):
                x0, y0 = known[:, 0].min(), known[:, 2].min()
                x1, y1 = known[:, 1].max(), known[:, 3].max()
                self.conn.execute(
                    f"UPDATE gpkg_contents SET last_change = {_NOW}, min_x = min(coalesce(min_x, ?1), ?1), "
                    "min_y = min(coalesce(min_y, ?2), ?2), max_x = max(coalesce(max_x, ?3), ?3), "
                    "max_y = max(coalesce(max_y, ?4), ?4) WHERE table_name = ?5",
                    (float(x0), float(y0), float(x1), float(y1), layer))
            else:
                self.conn.execute(f"UPDATE gpkg_contents SET last_change = {_NOW} WHERE table_name = ?", (layer,))
        self._touched.clear()

    def set_extent(self, layer: str, bounds) -> None:
        """Record a layer's extent in gpkg_contents (QGIS uses it to zoom to a layer)."""
        self.conn.execute(f"UPDATE gpkg_contents SET min_x=?, min_y=?, max_x=?, max_y=?, last_change={_NOW} "
                          "WHERE table_name=?",
                          (*[float(b) for b in bounds], layer))


def _contents_trigger(layer: str, event: str, geom: str) -> str:
    """The TEMP trigger that notes each row ``event`` writes to ``layer`` (Store._track_contents)."""
    return (f'CREATE TEMP TRIGGER "lifecircle_{layer}_{event.lower()}" AFTER {event} ON '
            f"main.\"{layer}\" BEGIN SELECT lifecircle_touched('{layer}', {geom}); END")
