-- The run ledger: one row per flow run that published this file, written into the working file
-- before it replaces the published one, so a published file always holds the record of the run
-- that published it (and of every earlier run that published its predecessors).
create table if not exists ops.run (
    run_id varchar primary key,
    flow varchar not null,
    parameters json not null,
    status varchar not null check (status in ('running', 'completed', 'failed')),
    inputs integer not null default 0,
    inputs_loaded integer not null default 0,
    inputs_skipped integer not null default 0,
    inputs_failed integer not null default 0,
    rows_read bigint not null default 0,
    rows_loaded bigint not null default 0,
    rows_quarantined bigint not null default 0,
    rows_skipped bigint not null default 0,
    tables_rebuilt integer not null default 0,
    build_id bigint,
    published boolean not null default false,
    error varchar,
    started_at timestamptz not null,
    finished_at timestamptz
);
comment on table ops.run is 'Each row is one flow run (kunci-nightly, kunci-ingest, kunci-backfill) that published this file, with what it loaded and built. A run that failed before publishing left nothing here (the published file is untouched by design); Prefect''s run history keeps it.';
comment on column ops.run.run_id is 'The Prefect flow run id (a random UUID when the steps ran outside a flow run).';
comment on column ops.run.flow is 'Flow name: kunci-nightly, kunci-ingest or kunci-backfill.';
comment on column ops.run.parameters is 'The flow run''s parameters as JSON (paths, dates, names; flows take no secrets as parameters).';
comment on column ops.run.status is 'running while the run writes its working file; completed when every input loaded; failed when an input or source failed (what loaded was still published). A report written after publishing is not reflected here (see the Prefect run state).';
comment on column ops.run.inputs is 'Inputs the run considered (files and API responses), whatever their outcome.';
comment on column ops.run.inputs_loaded is 'Inputs loaded by this run (an ops.load row with status loaded).';
comment on column ops.run.inputs_skipped is 'Inputs skipped because the same bytes were already loaded.';
comment on column ops.run.inputs_failed is 'Inputs that could not be read at all (an ops.load row with status failed).';
comment on column ops.run.rows_read is 'Rows read from the inputs loaded by this run.';
comment on column ops.run.rows_loaded is 'Rows written to core tables by this run.';
comment on column ops.run.rows_quarantined is 'Rows this run refused with a reason (ops.quarantine).';
comment on column ops.run.rows_skipped is 'Rows this run deliberately did not load (blank, total, duplicate rows).';
comment on column ops.run.tables_rebuilt is 'Metric tables rebuilt by this run; 0 when nothing changed since the last build.';
comment on column ops.run.build_id is 'The ops.build row of this run''s rebuild; NULL when it did not rebuild.';
comment on column ops.run.published is 'Whether the run published: false only while it runs (in its working file).';
comment on column ops.run.error is 'One paragraph naming what failed and what was still published; NULL when completed.';
comment on column ops.run.started_at is 'When the run started writing (UTC).';
comment on column ops.run.finished_at is 'When the run finished writing, just before it published (UTC).';
