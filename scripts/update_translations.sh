#!/usr/bin/env bash
# Regenerate the desktop's Qt translations (design.md §6: Chinese and English).
#
# 1. pyside6-lupdate extracts the English source strings — self.tr(), QCoreApplication.translate()
#    and QT_TRANSLATE_NOOP() in lifecircle_desktop/ui — into resources/translations/lifecircle_zh_CN.ts,
#    keeping every translation already there (new strings arrive "unfinished": translate them in
#    Qt Linguist, `pyside6-linguist resources/translations/lifecircle_zh_CN.ts`, or by hand);
# 2. pyside6-lrelease compiles the .ts into the .qm the app loads (both are committed, so a fresh
#    checkout runs in Chinese without this script).
#
# Usage: scripts/update_translations.sh            (uses .venv/bin or the python on PATH)
#        PYTHON=/path/to/python scripts/update_translations.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY="$(command -v python3)"; fi
fi
BIN="$(dirname "$PY")"
LUPDATE="$BIN/pyside6-lupdate"
LRELEASE="$BIN/pyside6-lrelease"
for tool in "$LUPDATE" "$LRELEASE"; do
  [ -x "$tool" ] || { echo "update_translations: $tool not found (pip install PySide6-Essentials)" >&2; exit 2; }
done

TS=resources/translations/lifecircle_zh_CN.ts
mkdir -p resources/translations
# Sorted file list: the .ts stays stable between runs (diffs show real changes only).
mapfile -t SOURCES < <(find lifecircle_desktop/ui -name '*.py' | LC_ALL=C sort)
"$LUPDATE" -locations relative -no-obsolete -target-language zh_CN "${SOURCES[@]}" -ts "$TS"
"$LRELEASE" "$TS" -qm "${TS%.ts}.qm"
unfinished=$(grep -c 'type="unfinished"' "$TS" || true)
echo "update_translations: $TS compiled; $unfinished string(s) still to translate"
