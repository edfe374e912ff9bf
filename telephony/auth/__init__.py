"""Users, passwords, bearer tokens, login rate limiting and the authorisation policy (no HTTP here)."""
