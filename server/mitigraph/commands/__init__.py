"""One module per `mitigraph` subcommand; each exposes `command`, a click command.

Commands turn library errors into exit codes: 0 success, 1 the graph does not conform (validate/build),
2 unreadable input or a usage error.
"""
