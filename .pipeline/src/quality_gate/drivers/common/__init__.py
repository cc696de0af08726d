"""What the incremental drivers share: results kept by key under the tool's own cache directory.

Like the drivers, it imports only the standard library and the package's `disk` module, which is shipped into the
tools' containers with them.
"""
