-- Canonical facts (DESIGN.md, contract). Natural keys are primary keys; loads upsert on them.
create schema if not exists core;

create table if not exists core.account (
    platform varchar not null,
    account_id varchar not null,
    account_name varchar,
    handle varchar,
    timezone varchar not null default 'Asia/Jakarta',
    currency varchar,
    is_own boolean not null default true,
    brand varchar,
    load_id bigint,
    primary key (platform, account_id)
);
comment on table core.account is 'Each row is one account on one platform: own accounts and tracked competitors. Accounts declared in kunci.toml take their attributes from it.';
comment on column core.account.platform is 'Platform code: facebook, instagram, x, tiktok, youtube, linkedin (web for analytics properties).';
comment on column core.account.account_id is 'The platform''s account id (Instagram user id, X handle when the export gives no id, GA4 property).';
comment on column core.account.account_name is 'Display name.';
comment on column core.account.handle is 'Username without @, lower case.';
comment on column core.account.timezone is 'IANA timezone that local dates of this account are computed in (default Asia/Jakarta).';
comment on column core.account.currency is 'ISO 4217 currency of the account''s money columns, where it has any.';
comment on column core.account.is_own is 'False for competitor accounts, which count in share of voice but never in own totals.';
comment on column core.account.brand is 'Brand the account speaks for; mentions of this brand count for it.';
comment on column core.account.load_id is 'Load that first described the account; NULL for accounts only declared in kunci.toml.';

create table if not exists core.post (
    platform varchar not null,
    post_id varchar not null,
    account_id varchar,
    published_at timestamptz,
    published_date date,
    content_type varchar check (content_type in ('photo', 'video', 'reel', 'story', 'carousel', 'text', 'link', 'live', 'other')),
    text varchar,
    permalink varchar,
    is_paid boolean,
    campaign varchar,
    load_id bigint not null,
    primary key (platform, post_id)
);
comment on table core.post is 'Each row is one post (any content item) on one platform.';
comment on column core.post.platform is 'Platform code.';
comment on column core.post.post_id is 'The platform''s post id, kept as text (19-digit ids do not fit a double).';
comment on column core.post.account_id is 'Account that published the post (core.account).';
comment on column core.post.published_at is 'Publish instant in UTC; NULL where the export gives only a date (X content export).';
comment on column core.post.published_date is 'Local publish date in the account''s timezone; post-based metrics belong to this date.';
comment on column core.post.content_type is 'photo, video, reel, story, carousel, text, link, live or other; NULL where the export does not say.';
comment on column core.post.text is 'Caption or post text as exported.';
comment on column core.post.permalink is 'Public URL of the post.';
comment on column core.post.is_paid is 'True for promoted posts, where the export says.';
comment on column core.post.campaign is 'Campaign label, where the export gives one.';
comment on column core.post.load_id is 'Load that last wrote the row.';

create table if not exists core.post_metrics (
    platform varchar not null,
    post_id varchar not null,
    as_of_date date not null,
    impressions bigint,
    reach bigint,
    views bigint,
    reactions bigint,
    comments bigint,
    shares bigint,
    saves bigint,
    clicks bigint,
    link_clicks bigint,
    video_views bigint,
    watch_time_seconds double,
    profile_visits bigint,
    follows bigint,
    load_id bigint not null,
    primary key (platform, post_id, as_of_date)
);
comment on table core.post_metrics is 'Each row is one post''s lifetime-to-date metrics as of one date (a snapshot). Metrics use the latest snapshot per post; snapshots are never added together.';
comment on column core.post_metrics.platform is 'Platform code.';
comment on column core.post_metrics.post_id is 'Post (core.post).';
comment on column core.post_metrics.as_of_date is 'Date the lifetime values were exported (from the export''s name, else the ingest date; see ops.load.notes).';
comment on column core.post_metrics.impressions is 'Times the post was shown (Impressions). Meta replaced it with views in 2025: Instagram exports since then fill views instead.';
comment on column core.post_metrics.reach is 'Unique accounts reached (lifetime).';
comment on column core.post_metrics.views is 'Views as Meta counts them since 2025 (Instagram Views), NULL where the platform reports impressions instead.';
comment on column core.post_metrics.reactions is 'Likes and other reactions (X: Likes; Instagram: Likes).';
comment on column core.post_metrics.comments is 'Comments (X: Replies).';
comment on column core.post_metrics.shares is 'Shares (X: Reposts + Share).';
comment on column core.post_metrics.saves is 'Saves (X: Bookmarks).';
comment on column core.post_metrics.clicks is 'All clicks on the post (X: Url + Hashtag + Permalink clicks + Detail expands).';
comment on column core.post_metrics.link_clicks is 'Clicks on links to outside the platform (X: Url clicks).';
comment on column core.post_metrics.video_views is 'Video views as the platform counts them.';
comment on column core.post_metrics.watch_time_seconds is 'Total watch time in seconds.';
comment on column core.post_metrics.profile_visits is 'Profile visits from the post.';
comment on column core.post_metrics.follows is 'Follows attributed to the post.';
comment on column core.post_metrics.load_id is 'Load that last wrote the row.';

create table if not exists core.account_daily (
    platform varchar not null,
    account_id varchar not null,
    date date not null,
    followers_total bigint,
    followers_gained bigint,
    followers_lost bigint,
    impressions bigint,
    reach bigint,
    views bigint,
    engagements bigint,
    profile_visits bigint,
    website_clicks bigint,
    video_views bigint,
    posts_published bigint,
    load_id bigint not null,
    primary key (platform, account_id, date)
);
comment on table core.account_daily is 'Each row is one account on one local date: account-level measures. A load updates only the columns its export provides (a per-metric chart export fills one column).';
comment on column core.account_daily.platform is 'Platform code.';
comment on column core.account_daily.account_id is 'Account (core.account).';
comment on column core.account_daily.date is 'Local activity date in the account''s timezone.';
comment on column core.account_daily.followers_total is 'Followers at the end of the date.';
comment on column core.account_daily.followers_gained is 'New followers that date (X: New follows).';
comment on column core.account_daily.followers_lost is 'Lost followers that date (X: Unfollows).';
comment on column core.account_daily.impressions is 'Account-level impressions that date.';
comment on column core.account_daily.reach is 'Unique accounts reached that date (daily reach; never summed into a period reach).';
comment on column core.account_daily.views is 'Account-level views (Meta, since 2025).';
comment on column core.account_daily.engagements is 'Engagements as the platform counts them that date.';
comment on column core.account_daily.profile_visits is 'Profile visits that date.';
comment on column core.account_daily.website_clicks is 'Clicks on the profile''s website link that date.';
comment on column core.account_daily.video_views is 'Video views that date.';
comment on column core.account_daily.posts_published is 'Posts published that date as the platform counts them (X: Create Post).';
comment on column core.account_daily.load_id is 'Load that last wrote the row.';

create table if not exists core.web_traffic_daily (
    property_id varchar not null,
    date date not null,
    source varchar not null,
    medium varchar not null,
    campaign varchar not null,
    platform varchar,
    sessions bigint,
    engaged_sessions bigint,
    bounces bigint,
    conversions double,
    leads double,
    revenue double,
    load_id bigint not null,
    primary key (property_id, date, source, medium, campaign)
);
comment on table core.web_traffic_daily is 'Each row is one web-analytics property, date, session source, medium and campaign.';
comment on column core.web_traffic_daily.property_id is 'Analytics property (GA4 property id or name).';
comment on column core.web_traffic_daily.date is 'Date in the property''s reporting timezone.';
comment on column core.web_traffic_daily.source is 'Session source (instagram.com, t.co, google, ...); (not set) where absent.';
comment on column core.web_traffic_daily.medium is 'Session medium (referral, social, organic, ...); (not set) where absent.';
comment on column core.web_traffic_daily.campaign is 'Session campaign; (not set) where absent.';
comment on column core.web_traffic_daily.platform is 'Social platform the source/medium maps to (METRICS.md, traffic); NULL for non-social traffic.';
comment on column core.web_traffic_daily.sessions is 'Sessions.';
comment on column core.web_traffic_daily.engaged_sessions is 'Engaged sessions (GA4); NULL for Universal Analytics.';
comment on column core.web_traffic_daily.bounces is 'Bounced sessions (Universal Analytics); NULL for GA4, whose bounce rate is 1 - engaged/sessions.';
comment on column core.web_traffic_daily.conversions is 'Key events (GA4) or goal completions.';
comment on column core.web_traffic_daily.leads is 'Lead key events (generate_lead), where exported.';
comment on column core.web_traffic_daily.revenue is 'Total revenue in the property''s currency.';
comment on column core.web_traffic_daily.load_id is 'Load that last wrote the row.';

create table if not exists core.web_traffic_period (
    property_id varchar not null,
    date_start date not null,
    date_end date not null,
    source varchar not null,
    medium varchar not null,
    campaign varchar not null,
    platform varchar,
    sessions bigint,
    engaged_sessions bigint,
    bounces bigint,
    conversions double,
    leads double,
    revenue double,
    load_id bigint not null,
    primary key (property_id, date_start, date_end, source, medium, campaign)
);
comment on table core.web_traffic_period is 'Each row is one property, source, medium and campaign over a date range that the export aggregated; never split into days.';
comment on column core.web_traffic_period.property_id is 'Analytics property.';
comment on column core.web_traffic_period.date_start is 'First date of the aggregated range (inclusive).';
comment on column core.web_traffic_period.date_end is 'Last date of the aggregated range (inclusive).';
comment on column core.web_traffic_period.source is 'Session source; (not set) where absent.';
comment on column core.web_traffic_period.medium is 'Session medium; (not set) where absent.';
comment on column core.web_traffic_period.campaign is 'Session campaign; (not set) where absent.';
comment on column core.web_traffic_period.platform is 'Social platform the source/medium maps to; NULL for non-social traffic.';
comment on column core.web_traffic_period.sessions is 'Sessions over the range.';
comment on column core.web_traffic_period.engaged_sessions is 'Engaged sessions over the range.';
comment on column core.web_traffic_period.bounces is 'Bounced sessions over the range (Universal Analytics).';
comment on column core.web_traffic_period.conversions is 'Key events over the range.';
comment on column core.web_traffic_period.leads is 'Lead key events over the range.';
comment on column core.web_traffic_period.revenue is 'Revenue over the range.';
comment on column core.web_traffic_period.load_id is 'Load that last wrote the row.';

create table if not exists core.mention (
    platform varchar not null,
    mention_id varchar not null,
    published_at timestamptz,
    date date,
    author varchar,
    author_followers bigint,
    text varchar,
    sentiment varchar check (sentiment in ('positive', 'neutral', 'negative')),
    brand varchar,
    is_own_brand boolean,
    url varchar,
    load_id bigint not null,
    primary key (platform, mention_id)
);
comment on table core.mention is 'Each row is one public mention of a tracked brand (own or competitor) found by social listening.';
comment on column core.mention.platform is 'Where the mention was published (platform code, or the listening tool''s source such as news).';
comment on column core.mention.mention_id is 'The tool''s mention id; where it gives none, a hash of the URL (or author and text).';
comment on column core.mention.published_at is 'Publish instant (UTC).';
comment on column core.mention.date is 'Local date of the mention in the workspace timezone.';
comment on column core.mention.author is 'Author name or handle.';
comment on column core.mention.author_followers is 'Author''s followers when the mention was collected; summed into potential reach.';
comment on column core.mention.text is 'Mention text.';
comment on column core.mention.sentiment is 'positive, neutral, negative, or NULL where the tool gives none.';
comment on column core.mention.brand is 'Tracked brand (the listening query) the mention was found for.';
comment on column core.mention.is_own_brand is 'True when the brand is an own account''s brand in kunci.toml; competitors are false.';
comment on column core.mention.url is 'Link to the mention.';
comment on column core.mention.load_id is 'Load that last wrote the row.';
