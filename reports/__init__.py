"""Reports: needs-to-activity matrix, annual activity report, donor funding export."""
