"""Demo data: a realistic set drawn from CTOC/COP/2008/16 and E/CN.15/2009/8, and a
deterministic synthetic generator for benchmarks."""
