"""What the tests share across directories, imported as `tests.support.<module>`.

- `paths`: the repository, the shared data beside the clone, the saved pages, the test fixtures.
- `commands`: the `mitigraph` command line, run as a user runs it.
- `servers`: real servers on free loopback ports, polled until ready and stopped with SIGTERM.
- `polling`: `poll_until`, the one bounded wait for a state another process or thread reaches.
- `listening`: a loopback listener that counts connections (the witness that nothing reached the network).
- `library_logs`: quiets the per-request logging of HTTP libraries.
"""
