"""Jobs: long work (report workbooks, imports, proposal exports) off the request path.

- queue.py: the pgqueuer queue on the application's PostgreSQL
- kinds.py: the registry of job kinds, each calling reports/ or importers/
- params.py: checking a job's params (named as in the synchronous URLs)
- service.py: start, status, cancel, wait, result file (called by the API and UI pages)
- runner.py: one attempt of a job in a worker (progress, heartbeats, cancel, results)
- queries.py: the SQL of jobs (claim, heartbeat, finish, recovery)
- worker.py: the worker process; cli.py: `ta-manager worker`
- api.py: the /api/v1/jobs routes
See docs/jobs.md.
"""
