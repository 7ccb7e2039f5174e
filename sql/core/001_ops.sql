-- Operational schema: the load ledger, the quarantine and the schema version.
create schema if not exists ops;

create table if not exists ops.schema_version (
    version integer primary key,
    file varchar not null,
    applied_at timestamptz not null default current_timestamp
);
comment on table ops.schema_version is 'Each row is one DDL file applied to this database, by version number.';
comment on column ops.schema_version.version is 'Version number: the numeric prefix of the DDL file in sql/core/.';
comment on column ops.schema_version.file is 'Name of the DDL file applied.';
comment on column ops.schema_version.applied_at is 'When the file was applied (UTC).';

create sequence if not exists ops.load_id_seq start 1;

create table if not exists ops.load (
    load_id bigint primary key default nextval('ops.load_id_seq'),
    source varchar not null,
    sha256 varchar,
    raw_path varchar,
    format varchar,
    platform varchar,
    rows_read bigint,
    rows_loaded bigint,
    rows_quarantined bigint,
    rows_skipped bigint,
    status varchar not null check (status in ('loaded', 'failed')),
    error varchar,
    notes varchar,
    started_at timestamptz not null,
    finished_at timestamptz not null
);
comment on table ops.load is 'Each row is one attempt to load one input (a file or an API response). rows_read = rows_loaded + rows_quarantined + rows_skipped for every loaded input. An input whose sha256 already has a loaded row is skipped without a new row.';
comment on column ops.load.load_id is 'Load identifier; every core row carries the load_id that last wrote it.';
comment on column ops.load.source is 'The input as given: a file path or an API endpoint (never with credentials).';
comment on column ops.load.sha256 is 'SHA-256 of the input bytes; the raw zone stores the input under this name. NULL when the input could not be read at all.';
comment on column ops.load.raw_path is 'Path of the immutable copy in the raw zone, relative to the raw zone root.';
comment on column ops.load.format is 'Detected export format (see `kunci formats`); NULL when detection failed.';
comment on column ops.load.platform is 'Platform code of the input (instagram, x, web, mentions, ...).';
comment on column ops.load.rows_read is 'Data rows read under the header (blank rows included).';
comment on column ops.load.rows_loaded is 'Rows written to core tables (one row may feed several tables).';
comment on column ops.load.rows_quarantined is 'Rows refused with a reason; see ops.quarantine.';
comment on column ops.load.rows_skipped is 'Rows deliberately not loaded: blank rows, total rows, in-file duplicates of a natural key.';
comment on column ops.load.status is 'loaded, or failed (the input could not be read; nothing of it reached core).';
comment on column ops.load.error is 'One-line reason when status is failed.';
comment on column ops.load.notes is 'How the input was interpreted where the file itself does not say (e.g. where the snapshot date came from).';
comment on column ops.load.started_at is 'When loading started (UTC).';
comment on column ops.load.finished_at is 'When loading finished or failed (UTC).';

create table if not exists ops.quarantine (
    load_id bigint not null,
    row_number bigint not null,
    reason varchar not null,
    raw json,
    primary key (load_id, row_number)
);
comment on table ops.quarantine is 'Each row is one input row refused by validation, with the reason and the original row.';
comment on column ops.quarantine.load_id is 'The load (ops.load) the row belongs to.';
comment on column ops.quarantine.row_number is 'Row number in the file as a spreadsheet shows it (the header row counts; quoted line breaks do not).';
comment on column ops.quarantine.reason is 'Why the row was refused, naming the column and value.';
comment on column ops.quarantine.raw is 'The original row as a JSON object keyed by the file''s own column names.';
