"""The simulator's tests run it as a real subprocess: the fixtures come from its pytest plugin."""

pytest_plugins = ["saturn_cloud_simulator.testing"]
