"""Stored files: report results, marked-up import files and uploads kept in PostgreSQL
(not on one machine's disk), so that any web process can serve them until they expire.

- tables.py: `stored_file` and its 1 MiB chunks
- service.py: store, find (owner only, not expired), stream, expire
- http.py: a stored file as a streamed download
"""
