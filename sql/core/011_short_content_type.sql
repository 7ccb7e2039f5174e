-- YouTube Shorts: DESIGN.md lists `short` among the content types, but 002's check left it out, so a
-- Short from the YouTube Analytics API (creatorContentType SHORTS) could not be stored. DuckDB cannot
-- change a check constraint in place: core.post is rebuilt with the same columns, key and rows, and
-- its documentation is applied again. (Views in schema `model` are recreated by every build.)
create temp table post_before_011 as select * from core.post;
drop table core.post;
create table core.post (
    platform varchar not null,
    post_id varchar not null,
    account_id varchar,
    published_at timestamptz,
    published_date date,
    content_type varchar check (content_type in ('photo', 'video', 'reel', 'short', 'story', 'carousel', 'text', 'link', 'live', 'other')),
    text varchar,
    permalink varchar,
    is_paid boolean,
    campaign varchar,
    load_id bigint not null,
    primary key (platform, post_id)
);
insert into core.post by name select * from post_before_011;
drop table post_before_011;
comment on table core.post is 'Each row is one post (any content item) on one platform.';
comment on column core.post.platform is 'Platform code.';
comment on column core.post.post_id is 'The platform''s post id, kept as text (19-digit ids do not fit a double).';
comment on column core.post.account_id is 'Account that published the post (core.account).';
comment on column core.post.published_at is 'Publish instant in UTC; NULL where the export gives only a date (X content export).';
comment on column core.post.published_date is 'Local publish date in the account''s timezone; post-based metrics belong to this date.';
comment on column core.post.content_type is 'photo, video, reel, short (a YouTube Short), story, carousel, text, link, live or other; NULL where the export does not say.';
comment on column core.post.text is 'Caption or post text as exported.';
comment on column core.post.permalink is 'Public URL of the post.';
comment on column core.post.is_paid is 'True for promoted posts, where the export says.';
comment on column core.post.campaign is 'Campaign label, where the export gives one.';
comment on column core.post.load_id is 'Load that last wrote the row.';
