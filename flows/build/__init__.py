"""Build: the declared metric models, applied in full or incrementally."""
