"""ta-manager: a system of record for technical assistance against organized crime and corruption."""

__version__ = "0.1.0"
