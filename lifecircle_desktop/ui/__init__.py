"""The Qt layer: a thin view over lifecircle_desktop.model (design.md §6)."""
