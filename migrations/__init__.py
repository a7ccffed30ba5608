"""Piccolo migrations for the single `ta_manager` app, written as reviewed SQL."""
