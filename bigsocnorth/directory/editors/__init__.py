"""Editors of entries: asking to become one, answering, and merging entries."""
