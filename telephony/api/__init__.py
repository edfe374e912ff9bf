"""The HTTP API: thin handlers that validate, call a service and serialise."""
