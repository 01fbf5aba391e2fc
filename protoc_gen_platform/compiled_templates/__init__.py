"""templates/, compiled by `make templates`."""
