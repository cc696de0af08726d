"""The explicit fix, the only code that rewrites the source: fixers on a copy, preview, write, verify, undo."""
