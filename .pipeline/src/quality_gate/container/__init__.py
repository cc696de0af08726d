"""The Dagger module: its functions, and the runner that sends each tool to the engine as a container."""
