"""The full-process record: an append-only, hash-chained event log (Decree 713 Art. 33)."""
