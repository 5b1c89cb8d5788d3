"""Floor 0: pure helpers with no models and no imports from Caseway apps."""
