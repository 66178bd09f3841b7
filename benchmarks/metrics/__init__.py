"""Metrics of the benchmark: each a pure function over plain data, tested on hand-made inputs."""
