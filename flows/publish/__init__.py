"""Publish: the working file swapped in for analysts, exports for other readers."""
