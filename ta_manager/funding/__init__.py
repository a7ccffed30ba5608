"""Funding: contributions, exchange rates, allocations and expenditure."""
