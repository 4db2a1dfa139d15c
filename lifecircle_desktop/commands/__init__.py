"""CLI subcommands; each module registers its own parser (see cli.COMMAND_MODULES)."""
