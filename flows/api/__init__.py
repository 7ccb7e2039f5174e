"""API connectors over `requests`: one client with retries, throttling and recording; one module per API."""
