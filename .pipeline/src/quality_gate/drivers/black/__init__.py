"""Incremental black: a file's verdict and diff reused while its bytes, the mode and black are unchanged.

Run by the tools' interpreter (`python -P -m quality_gate.drivers.black <black's arguments>`) in place of
`python -P -m black`: black's own main (options, file discovery, workers, status lines, exit code), with the
function that formats one file in a worker answered from memory when the file was seen before. What black
prints for a file depends on nothing but its bytes, its path, the mode and black itself, so unlike pylint no
other file is part of the key. See docs/cache-and-speed.md.
"""
