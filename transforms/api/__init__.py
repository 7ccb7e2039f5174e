"""Pure mappings of recorded API responses (envelopes) to canonical tables, a module per API."""
