"""What servers use: the servicer glue and server-side pagination."""
