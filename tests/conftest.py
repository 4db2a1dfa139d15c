import os
import sys
from pathlib import Path

# Before any QApplication exists (style.md §7).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
REAL_DATA = SHARED / "data" / "real"
sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402


@pytest.fixture
def plan(tmp_path):
    from lifecircle_desktop.model.plan import Plan
    p = Plan.create(tmp_path / "plan.gpkg", "测试规划", 32651, kind="existing")
    yield p
    p.close()
