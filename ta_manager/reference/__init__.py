"""Reference data: States, regions, instruments, ratifications, priority areas, codelists."""
