"""StorePlan analysis core: intake, H3 grid, analysis, routing, rendering. Never imports Qt."""

__version__ = "0.1.0"
