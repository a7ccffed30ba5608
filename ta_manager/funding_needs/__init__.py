"""Funding needs: gaps and resource requests stated for a priority area, project or proposal."""
