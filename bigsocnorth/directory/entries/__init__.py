"""Directory entries: adding, changing and reading organisations, groups and projects."""
