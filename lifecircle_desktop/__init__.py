"""lifecircle_desktop — plan 15-minute community life circles (15分钟社区生活圈) and complete
residential communities (完整居住社区) on a real map, checked live against the standards."""

__version__ = "0.1.0"
