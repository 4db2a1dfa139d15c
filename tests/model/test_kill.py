"""A process editing in a loop, killed with SIGKILL at random moments, leaves a file that opens,
passes PRAGMA integrity_check and holds every edit whose call had returned (design.md §2)."""
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from lifecircle_desktop.model import Plan
from tests.helpers import ROOT

CHILD = Path(__file__).with_name("kill_child.py")
KILLS = 50


def _read_line(proc) -> str:
    line = proc.stdout.readline()
    assert line, proc.stderr.read()
    return line.strip()


def test_sigkill_during_edits_loses_nothing_that_returned(tmp_path):
    path = tmp_path / "kill.gpkg"
    Plan.create(path, "kill", 32651).close()
    rng = random.Random(20261122)
    returned: dict[int, str] = {}  # fid -> the name its last returned edit gave it
    counter = 0
    for _ in range(KILLS):
        proc = subprocess.Popen([sys.executable, str(CHILD), str(path), str(counter)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        assert _read_line(proc) == "ready"
        for _ in range(rng.randint(1, 12)):
            verb, fid, i = _read_line(proc).split()
            returned[int(fid)] = f"{'n' if verb == 'add' else 'm'}{i}"
            counter = int(i) + 1
        # Kill at a random moment: wait (on the pipe, not a sleep) for up to a few ms more output.
        select.select([proc.stdout], [], [], rng.uniform(0, 0.004))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        # Edits that returned after our last read are in the pipe; they count too.
        for line in proc.stdout.read().splitlines():
            verb, fid, i = line.split()
            returned[int(fid)] = f"{'n' if verb == 'add' else 'm'}{i}"
            counter = int(i) + 1
        proc.stdout.close()
        proc.stderr.close()
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        with Plan.open(path) as plan:
            stored = {f.fid: f["name"] for f in plan.features("facilities")}
        for fid, name in returned.items():
            # The stored name is the returned one, or a later edit that committed before the kill.
            assert fid in stored, f"edit on {fid} returned but is lost"
            assert int(stored[fid][1:]) >= int(name[1:]) and (stored[fid] == name or stored[fid][0] == "m")
    assert len(returned) >= KILLS
