"""The audit trail: who changed which record, when, and the fields' old and new values."""
