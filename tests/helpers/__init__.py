"""What the test suites share: paths, running the gate and the tools, building projects, watching processes."""
