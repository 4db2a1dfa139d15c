"""The map: a view over the plan made of one layer view per kind of layer (design.md §1, §6).

- view.py      ``MapView``: navigation, tool dispatch, events, selection; the public API
- registry.py  which layer view draws which layer (the one place a new kind of layer is added)
- layers.py    layer views of graphics items: polygons, lines, points and icons, labels
- basemap.py   the read-only base map, painted into a cached image per view scale
- overlays.py  selection, highlight, walking overlay; scale bar, north arrow, credits, cursor
- items.py     Qt shapes and items from shapely arrays; marks (items made only when due)
- styles.py    every pen, brush, colour, stacking order and level of detail
- dialogs.py   what the tools ask the planner

Import ``MapView`` from ``.view``: this package's modules are also what the map tools (ui/tools)
draw with, and the view dispatches to those tools.
"""
