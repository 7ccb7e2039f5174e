-- YouTube's "Engaged views" (DESIGN.md): the old definition of a view, which YouTube kept under this
-- name when it began counting every start of a Short as a view (2025). Added to the three tables
-- that hold YouTube views; existing databases upgrade in place, existing rows stay NULL.
alter table core.post_metrics add column if not exists engaged_views bigint;
alter table core.account_daily add column if not exists engaged_views bigint;
alter table core.post_daily add column if not exists engaged_views bigint;
comment on column core.post_metrics.engaged_views is 'YouTube Engaged views (lifetime): views counted as YouTube counted all views before 2025 (a Short must play past its first seconds); NULL where the export has no Engaged views column. video_views holds YouTube''s current Views.';
comment on column core.account_daily.engaged_views is 'YouTube Engaged views that date (the old definition of a view); NULL where the export has none. video_views holds YouTube''s current Views.';
comment on column core.post_daily.engaged_views is 'YouTube Engaged views of the post that date (the old definition of a view); NULL where the export has none. video_views holds YouTube''s current Views.';
