"""The benchmark runner lives here; pytest must not collect it (run it with `make benchmark`)."""

collect_ignore_glob = ["*.py"]
