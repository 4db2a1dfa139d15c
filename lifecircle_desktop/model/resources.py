"""Where the shipped data lives: standards, demo plan, fonts, translations."""
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent.parent / "resources"
STANDARDS = RESOURCES / "standards"
DEMO_PLAN = RESOURCES / "demo" / "siping.gpkg"
