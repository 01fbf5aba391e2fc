"""What clients and servers share: typed errors, their wire form, RPC descriptions."""
