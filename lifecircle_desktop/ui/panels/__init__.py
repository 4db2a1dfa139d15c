"""The dock panels of the main window: facility palette, attributes, findings, coverage chart,
layers — each a thin view over the model that talks to the window through signals."""
