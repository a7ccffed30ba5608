"""HTTP layer: thin controllers over the services, problem details, health, docs."""
