"""Assistance requests: the needs States state."""
