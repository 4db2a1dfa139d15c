#!/usr/bin/env bash
# The system libraries the Qt wheel needs, a CJK font (Chinese must render), Xvfb for a
# window on a machine without a screen, and GDAL's tools (ogrinfo, ogr2ogr) with its
# GeoPackage validator (validate_gpkg.py, in python3-gdal) for the tests' round trips through
# GDAL (design.md §2), and poppler (pdftotext, pdffonts, pdftoppm) to read the exported report back —
# test tools only, never imported by the app. Installed when missing on
# Debian/Ubuntu as root; otherwise printed, so the user knows exactly what to install.
set -u
pkgs=(libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
      libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
      libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1 fonts-wqy-microhei xvfb xauth
      gdal-bin python3-gdal poppler-utils)
command -v dpkg-query >/dev/null 2>&1 || { echo "system-deps: not Debian/Ubuntu; make sure Qt 6's libraries and a CJK font are installed."; exit 0; }
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "system-deps: please install: sudo apt-get install ${missing[*]}"
fi
exit 0
