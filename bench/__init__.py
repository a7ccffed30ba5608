"""Benchmarks: each script measures one capability at the size its issue names and prints
a Markdown row; results are kept in docs/benchmarks.md."""
