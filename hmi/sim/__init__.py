"""Scenario runs: the emulated line, the runtime and a controller on the simulated clock."""
