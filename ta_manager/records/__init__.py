"""What every kind of record shares: code/id resolution, CRUD, filters and paging."""
