"""Load: which files a run reads, the raw zone, staging, the store and its ledger."""
