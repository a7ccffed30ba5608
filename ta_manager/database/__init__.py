"""PostgreSQL: the engine, the embedded server, SQL helpers and migrations."""
