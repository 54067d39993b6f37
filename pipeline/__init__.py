"""Arabic war reporting to dated, geocoded events."""

__version__ = "0.1.0"
