"""govinspect — routine inspection (常态化检查) of government websites and new-media accounts."""

__version__ = "0.1.0"
