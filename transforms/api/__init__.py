"""Pure mappings of recorded API responses (envelopes) to the canonical tables, one module per API."""
