"""Projects and programmes: the frame activities and money belong to."""
