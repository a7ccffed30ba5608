"""ta-manager: the system of record for technical assistance against crime and corruption."""

from importlib.metadata import PackageNotFoundError, version

try:
    # The version is written once, in pyproject.toml; an installed package carries it.
    __version__ = version("ta-manager")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
