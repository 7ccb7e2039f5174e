-- Corrected table documentation (006 and 007 may already be applied, so they stay as written).
comment on table ops.run is 'Each row is one nightly or ingest flow run (kunci-nightly, kunci-ingest) that published this file, with what it loaded and built. A backfill records its published chunks in ops.backfill_chunk instead. A run that failed before publishing left nothing here (the published file is untouched by design); Prefect''s run history keeps it.';
comment on column ops.run.flow is 'Flow name: kunci-nightly or kunci-ingest.';
comment on column ops.backfill_chunk.backfill_key is 'SHA-256 of the backfill''s parameters (start, end, sources, accounts, replay, chunk_days).';
