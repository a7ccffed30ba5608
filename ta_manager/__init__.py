"""ta-manager: the system of record for technical assistance against crime and corruption."""

__version__ = "0.1.0"
