"""Costed proposals: from unmet needs to a phased, costed, funded-or-not programme."""
