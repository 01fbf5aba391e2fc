"""What clients use: the client bases, response streams and pagers."""
