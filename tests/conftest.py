"""The whole suite: no test may leave a process of its own behind (see helpers.processes)."""

pytest_plugins = ["helpers.processes", "helpers.tree_runs", "helpers.projects"]
