-- The metric build ledger: what each build of the metric tables was built from, so a run whose
-- inputs did not change can skip the rebuild.
create sequence if not exists ops.build_id_seq start 1;

create table if not exists ops.build (
    build_id bigint primary key default nextval('ops.build_id_seq'),
    built_at timestamptz not null default current_timestamp,
    max_load_id bigint,
    fingerprint varchar not null,
    tables json not null
);
comment on table ops.build is 'Each row is one successful build of the metric tables (kunci build, or a run that rebuilt). A run skips the rebuild when no load happened since the last build and its fingerprint is unchanged.';
comment on column ops.build.build_id is 'Build identifier, increasing.';
comment on column ops.build.built_at is 'When the build committed (UTC).';
comment on column ops.build.max_load_id is 'Highest ops.load id when the build ran; NULL when nothing had been loaded.';
comment on column ops.build.fingerprint is 'SHA-256 over what the metric tables depend on besides loads: model SQL, formulas, catalog, targets, accounts and schema version.';
comment on column ops.build.tables is 'Row count of every materialized table, as a JSON object keyed by table name.';
