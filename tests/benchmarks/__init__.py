"""The benchmark runner: `python -m tests.benchmarks.run` from the repository root (`make benchmark`)."""
