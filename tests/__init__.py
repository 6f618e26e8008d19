"""The test suite. A package, so that `tests.support` and `tests.benchmarks` import from the repository root
(pytest puts the root on the path through `pythonpath` in pyproject.toml; `python -m` runs from it)."""
