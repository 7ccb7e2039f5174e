"""The canonical model: schemas, typed frames with quarantine, accounts, platforms."""
