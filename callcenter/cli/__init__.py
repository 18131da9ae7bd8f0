"""Command-line entry points; each module adds one subcommand with `register(subparsers)`."""
