"""Fuzzing the three importers and the plan opener through the command line (issue 10).

A seeded mutator (reproducible: the seed and the input number name every case) turns good files
into broken and hostile ones — bytes flipped, cut, spliced; JSON values swapped for NaN, 1e999,
-1, 5.7, 10**30, true, lone surrogates, deep nesting; OSM attributes swapped for junk — and runs
each through ``lifecircle`` in-process, as a planner would type it. Every input must give exit 0
or 2 with one sentence on stderr, never a traceback and never the "internal error" of a case no
check foresaw, and a plan an import refused must be byte for byte as it was.

The suite runs ``FUZZ_INPUTS`` inputs (~25 s); ``make fuzz`` runs 10,000 and prints the counts
that docs/reliability.md quotes.
"""
from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import random
import re
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from shapely.geometry import box

from lifecircle_desktop.cli import as_plan_error, main
from lifecircle_desktop.model import AddFeature, Plan
from tests.helpers import sha256

DATA = Path(__file__).resolve().parent.parent / "data"
FUZZ_INPUTS = int(os.environ.get("LIFECIRCLE_FUZZ_INPUTS", "1500"))
SEED = int(os.environ.get("LIFECIRCLE_FUZZ_SEED", "20261202"))

# Values a hostile or broken file puts where a number, a text or a list belongs.
HOSTILE_VALUES = [float("nan"), float("inf"), -float("inf"), -1, -0.5, 5.7, 0, 10**30, 2**63, -(2**63) - 1,
                  True, False, None, "", "NaN", "-5", "\ud800", "\udfff x", "x" * 5000, [], {}, [[]], {"a": 1},
                  [1, 2, 3], [True, False], [1e308, 1e308], "1e999", "中文名称", "\x00\x01"]
# Bytes that break a text format in interesting places.
HOSTILE_BYTES = [b"\x00", b"\xff\xfe", b"\xed\xa0\x80", b"NaN", b"Infinity", b"1e999", b"-", b"[" * 3000, b"{",
                 b'"', b"<", b">", b"&", b"<!ENTITY a 'aa'>", b"<!DOCTYPE osm [", b"]]>", b"9" * 30, b"\n",
                 b"true", b"null", b",", b"%", b"\x1f\x8b"]
# Values for an OSM XML attribute (id, ref, lat, lon, k, v, type, role …).
OSM_VALUES = ["", "-1", "0", "1e999", "nan", "inf", "abc", "9" * 30, "-9" * 20, "91", "181", "3.5", "&amp;",
              "&#0;", "x" * 300, "\U0001F600", "way", "relation", "outer", "inner", "multipolygon", "yes"]


# --- mutators -----------------------------------------------------------------------------------
def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    """One to three byte-level changes: flips, cuts, insertions of hostile bytes, splices."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(6)
        at = rng.randrange(len(data) + 1)
        if op == 0 and data:  # flip a few bytes
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif op == 1:  # truncate
            del data[at:]
        elif op == 2:  # insert something hostile
            data[at:at] = rng.choice(HOSTILE_BYTES)
        elif op == 3 and data:  # delete a slice
            del data[at:at + rng.randint(1, 64)]
        elif op == 4 and data:  # repeat a slice
            data[at:at] = bytes(data[at:at + rng.randint(1, 256)]) * rng.randint(2, 20)
        else:  # overwrite the start (magic numbers, headers)
            data[:4] = bytes(rng.randrange(256) for _ in range(4))
    return bytes(data)


def _nodes(value, path=()):
    """Every (path, value) of a JSON document."""
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _nodes(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _nodes(v, (*path, i))


def mutate_json(rng: random.Random, doc) -> bytes:
    """One to three values of a JSON document replaced by hostile ones (or removed), serialised as
    a careless writer would: NaN and Infinity as bare words, surrogates escaped."""
    doc = copy.deepcopy(doc)
    depth = 0
    for _ in range(rng.randint(1, 3)):
        paths = [p for p, _v in _nodes(doc) if p]
        if not paths:
            break
        path = rng.choice(paths)
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if rng.random() < 0.1:
            del parent[path[-1]]
        elif rng.random() < 0.05:  # deep nesting, spliced in as text (json.dumps would recurse)
            parent[path[-1]] = _DEEP
            depth = rng.randint(900, 3000)
        else:
            parent[path[-1]] = copy.deepcopy(rng.choice(HOSTILE_VALUES))
    text = json.dumps(doc).replace(json.dumps(_DEEP), "[" * depth + "]" * depth)
    return text.encode("utf-8", "surrogatepass")


_DEEP = "\x00deep\x00"


_ATTRIBUTE = re.compile(rb'(\w+)="([^"]*)"')


def mutate_osm_xml(rng: random.Random, text: bytes) -> bytes:
    """One to four attribute values of an OSM XML file replaced by junk."""
    spans = [m.span(2) for m in _ATTRIBUTE.finditer(text)]
    for a, b in sorted(rng.sample(spans, rng.randint(1, 4)), reverse=True):
        text = text[:a] + rng.choice(OSM_VALUES).encode("utf-8") + text[b:]
    return text


# --- the seeds and the runs ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    """Good files to break: GeoJSON homes, the tiny OSM fixture as XML, .gz and PBF, and a plan."""
    import gzip

    import osmium
    folder = tmp_path_factory.mktemp("seeds")
    pbf = folder / "tiny.osm.pbf"
    writer = osmium.SimpleWriter(str(pbf))
    osmium.apply(str(DATA / "tiny.osm"), writer)
    writer.close()
    plan = folder / "plan.gpkg"
    with Plan.create(plan, "种子", 32651) as p:
        p.apply(AddFeature("residential", box(357000, 3461000, 357050, 3461050), {"name": "小区", "households": 100}))
    return {
        "geojson": json.loads((DATA / "homes_lonlat.geojson").read_text(encoding="utf-8")),
        "osm": (DATA / "tiny.osm").read_bytes(),
        "osm.gz": gzip.compress((DATA / "tiny.osm").read_bytes()),
        "pbf": pbf.read_bytes(),
        "plan": plan,
    }


def run_cli(*argv) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, err.getvalue()


def one_input(kind: str, rng: random.Random, seeds, work: Path) -> tuple[str, int, str, bool]:
    """Make one broken input of ``kind``, run it; (what ran, exit code, stderr, plan unchanged)."""
    plan = work / "plan.gpkg"
    shutil.copy(seeds["plan"], plan)
    before = sha256(plan)
    if kind == "geojson":
        source = work / "in.geojson"
        source.write_bytes(mutate_json(rng, seeds["geojson"]) if rng.random() < 0.7
                           else mutate_bytes(rng, json.dumps(seeds["geojson"]).encode()))
        layer = rng.choice(["residential", "facilities", "planning_units"])
        argv = ["import", plan, "--layer", layer, source] + (["--type", "kindergarten"] if layer == "facilities" else [])
    elif kind == "plan":
        plan.write_bytes(mutate_bytes(rng, plan.read_bytes()))
        before = sha256(plan)
        argv = ["info", plan]
    else:
        source = work / {"osm": "in.osm", "osm.gz": "in.osm.gz", "pbf": "in.osm.pbf"}[kind]
        data = seeds[kind]
        if kind == "osm" and rng.random() < 0.6:
            data = mutate_osm_xml(rng, data)
        else:
            data = mutate_bytes(rng, data)
        source.write_bytes(data)
        argv = ["import-osm", source, "--out", plan]
    code, err = run_cli(*argv)
    return " ".join(map(str, argv)), code, err, sha256(plan) == before


KINDS = {"geojson": 0.35, "osm": 0.3, "osm.gz": 0.1, "pbf": 0.1, "plan": 0.15}


def fuzz(seeds, work: Path, inputs: int, seed: int) -> tuple[Counter, list[str]]:
    """Run ``inputs`` broken inputs; the counts per kind and outcome, and every broken promise."""
    rng = random.Random(seed)
    counts: Counter = Counter()
    broken: list[str] = []
    kinds, weights = zip(*KINDS.items())
    for n in range(inputs):
        kind = rng.choices(kinds, weights)[0]
        ran, code, err, unchanged = one_input(kind, random.Random(rng.getrandbits(64)), seeds, work)
        counts[kind, code] += 1
        lines = err.strip().splitlines()
        problem = None
        if code not in (0, 2):
            problem = f"exit {code}"
        elif code == 2 and (len(lines) != 1 or not lines[0].startswith("lifecircle: ")):
            problem = "not one sentence"
        elif "internal error" in err or "unexpected error" in err or "Traceback" in err:
            problem = "an error no check foresaw"
        elif code == 2 and kind != "plan" and not unchanged:
            problem = "a refused import changed the plan"
        if problem:
            broken.append(f"input {n} ({kind}, seed {seed}): {problem}: {ran}: {err.strip()[:300]}")
    return counts, broken


def test_fuzzed_inputs_exit_0_or_2_with_one_sentence_and_refusals_change_nothing(seeds, tmp_path):
    counts, broken = fuzz(seeds, tmp_path, FUZZ_INPUTS, SEED)
    table = ", ".join(f"{kind}: {counts[kind, 0]} ok / {counts[kind, 2]} refused" for kind in KINDS)
    print(f"\nfuzz: {FUZZ_INPUTS} inputs (seed {SEED}); {table}; {len(broken)} broken promises")
    assert not broken, "\n".join(broken[:20])
    # The mutator must reach both outcomes of every importer, or it tests nothing.
    for kind in ("geojson", "osm", "plan"):
        assert counts[kind, 2] > 0, kind
    assert counts["geojson", 0] + counts["osm", 0] > 0


# --- what reaches the command line from the machine's side ---------------------------------------
@pytest.mark.parametrize("error, sentence", [
    (sqlite3.OperationalError("database or disk is full"), "the plan file could not be read or written (database or disk is full)"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "the plan file could not be read or written (attempt to write a readonly database)"),
    (OSError(28, "No space left on device", "/plans/x.gpkg"), "x.gpkg: the file could not be read or written (No space left on device)"),
    (MemoryError(), "there is not enough memory to finish"),
    (RecursionError("maximum recursion depth exceeded"), "the data is nested too deeply to be read"),
    (KeyError("x"), "an internal error (KeyError: 'x'); please report it"),
])
def test_every_error_is_one_sentence_by_its_kind(error, sentence):
    assert as_plan_error(error).message_en == sentence


def test_a_writer_holding_the_lock_is_a_sentence(tmp_path):
    """Another program writing the plan: "unexpected error: OperationalError…" before issue 10."""
    path = tmp_path / "plan.gpkg"
    Plan.create(path, "锁", 32651).close()
    source = tmp_path / "homes.geojson"
    shutil.copy(DATA / "homes_lonlat.geojson", source)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        code, err = run_cli("import", path, "--layer", "residential", source)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert code == 2 and err.count("\n") == 1 and "another program is writing" in err, err
    assert "internal error" not in err and "unexpected error" not in err, err


def test_a_message_quoting_control_characters_stays_one_line():
    """Found by ``make fuzz`` (input 8366): SQLite quoted a damaged schema's "\x1c", a line break to Python."""
    from lifecircle_desktop.cli import one_line
    text = one_line('the file is damaged (unrecognized token: "\x1c\n\x85\u2028")')
    assert len(text.splitlines()) == 1 and "\\x1c" in text and "\\n" in text
