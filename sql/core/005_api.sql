-- API sources: incremental state per source, stream and account, and the origin of every load
-- (an API load wins over an export for the same key).
create table if not exists ops.api_state (
    source varchar not null,
    stream varchar not null,
    account_id varchar not null,
    last_date date not null,
    updated_at timestamptz not null,
    load_id bigint,
    primary key (source, stream, account_id)
);
comment on table ops.api_state is 'Each row is how far one stream of one API source has been pulled for one account. The next run starts lookback_days before last_date, because recent metrics keep maturing.';
comment on column ops.api_state.source is 'The API source''s name in kunci.toml ([[sources]] name, default its kind).';
comment on column ops.api_state.stream is 'The connector''s stream (page_insights, ig_media, channel_daily, traffic, ...).';
comment on column ops.api_state.account_id is 'The page, Instagram account, channel or property the stream was pulled for.';
comment on column ops.api_state.last_date is 'Last local date of the latest completely pulled and loaded window.';
comment on column ops.api_state.updated_at is 'When the state last advanced (UTC).';
comment on column ops.api_state.load_id is 'The load (ops.load) that advanced the state last.';

alter table ops.load add column if not exists origin varchar default 'export';
comment on column ops.load.origin is 'export (a file) or api (responses of an API source). Where both give the same key, the API''s values win; an export only fills what the API left NULL. ops.load.notes records each such choice.';
