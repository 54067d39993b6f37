"""Optional extras, off by default: statistical toponym proposals and an online geocoder."""
