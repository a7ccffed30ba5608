"""Cost norms: unit costs by year, currency and place, used to cost proposals."""
