"""The committed baseline: its file, where findings lie, results reviewed against it, and recording it."""
