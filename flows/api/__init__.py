"""API connectors over `requests`: one client (retries, throttling, recording), a module per API."""
