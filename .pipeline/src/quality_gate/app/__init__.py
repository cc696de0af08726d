"""The application both front doors call: run the checks, each alone or all at once, and review their results."""
