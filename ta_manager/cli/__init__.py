"""The `ta-manager` command line."""
