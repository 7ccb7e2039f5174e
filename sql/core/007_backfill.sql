-- Backfill progress: the chunks of a backfill already published, so an interrupted backfill
-- resumes where it stopped.
create table if not exists ops.backfill_chunk (
    backfill_key varchar not null,
    chunk_start date not null,
    chunk_end date not null,
    parameters json not null,
    loads bigint not null,
    failed bigint not null,
    finished_at timestamptz not null,
    primary key (backfill_key, chunk_start)
);
comment on table ops.backfill_chunk is 'Each row is one published chunk of a backfill. Rerunning the same backfill (same range, sources, accounts and mode) skips these chunks; a chunk with failed pulls is retried.';
comment on column ops.backfill_chunk.backfill_key is 'SHA-256 of the backfill''s parameters (start, end, sources, accounts, replay).';
comment on column ops.backfill_chunk.chunk_start is 'First date of the chunk.';
comment on column ops.backfill_chunk.chunk_end is 'Last date of the chunk.';
comment on column ops.backfill_chunk.parameters is 'The backfill''s parameters as JSON (never secrets).';
comment on column ops.backfill_chunk.loads is 'Pulls loaded or skipped as already loaded in the chunk.';
comment on column ops.backfill_chunk.failed is 'Pulls that failed in the chunk (the chunk is retried by the next run).';
comment on column ops.backfill_chunk.finished_at is 'When the chunk was published (UTC).';
