"""Accounts, roles, authentication and the audit trail."""
