"""cockpit: the open, self-hosted analytical cockpit for German municipalities."""

__version__ = "0.1.0"
