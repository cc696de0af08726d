"""The incremental drivers the tools run through (pylint, black), what they share, and how a tool imports them."""
