-- Audience, activity, per-post daily and advertising facts (DESIGN.md), web users/page views, and
-- workbook sheets in the quarantine key. Missing key parts are stored as '' (never NULL).

alter table core.web_traffic_daily add column if not exists users bigint;
alter table core.web_traffic_daily add column if not exists pageviews bigint;
alter table core.web_traffic_period add column if not exists users bigint;
alter table core.web_traffic_period add column if not exists pageviews bigint;
comment on column core.web_traffic_daily.users is 'Users (GA4 total users, UA users); NULL where the export has none.';
comment on column core.web_traffic_daily.pageviews is 'Page views (GA4 views, UA pageviews); NULL where the export has none.';
comment on column core.web_traffic_period.users is 'Users over the period as the export states them (not a sum of daily users).';
comment on column core.web_traffic_period.pageviews is 'Page views over the period.';

create table if not exists core.post_daily (
    platform varchar not null,
    post_id varchar not null,
    date date not null,
    impressions bigint,
    views bigint,
    video_views bigint,
    watch_time_seconds double,
    reactions bigint,
    comments bigint,
    shares bigint,
    clicks bigint,
    load_id bigint not null,
    primary key (platform, post_id, date)
);
comment on table core.post_daily is 'Each row is one post''s activity on one local date (not lifetime-to-date): YouTube Studio chart data, per-video daily exports.';
comment on column core.post_daily.platform is 'Platform code of the post.';
comment on column core.post_daily.post_id is 'The platform''s post or video id (joins core.post).';
comment on column core.post_daily.date is 'Local date of the activity in the account''s timezone.';
comment on column core.post_daily.impressions is 'Impressions of the post that date.';
comment on column core.post_daily.views is 'Meta-style views of the post that date (the successor of impressions, see DECISIONLOG); YouTube views go to video_views.';
comment on column core.post_daily.video_views is 'Video views of the post that date (YouTube Studio views, video plays).';
comment on column core.post_daily.watch_time_seconds is 'Watch time that date, in seconds.';
comment on column core.post_daily.reactions is 'Likes / reactions that date.';
comment on column core.post_daily.comments is 'Comments that date.';
comment on column core.post_daily.shares is 'Shares that date.';
comment on column core.post_daily.clicks is 'Clicks that date.';
comment on column core.post_daily.load_id is 'Load (ops.load) that last wrote the row.';

create table if not exists core.audience (
    platform varchar not null,
    account_id varchar not null,
    as_of_date date not null,
    measure varchar not null,
    dimension varchar not null check (dimension in ('gender', 'age', 'gender_age', 'country', 'city', 'locale', 'language', 'job_function', 'seniority', 'industry', 'company_size', 'device', 'source')),
    bucket varchar not null,
    value double,
    share double,
    load_id bigint not null,
    primary key (platform, account_id, as_of_date, measure, dimension, bucket)
);
comment on table core.audience is 'Each row is one audience bucket (a gender, an age band, a country, ...) of one account as of one date, for one measure (followers, reached people, viewers, visitors). measure refines the DESIGN.md grain so follower and viewer breakdowns of the same account and date never overwrite each other.';
comment on column core.audience.platform is 'Platform code of the account.';
comment on column core.audience.account_id is 'The account (core.account).';
comment on column core.audience.as_of_date is 'Date the breakdown describes (the export''s end date, or the day it was exported).';
comment on column core.audience.measure is 'What is counted: followers, reach, views, visitors, watch_time.';
comment on column core.audience.dimension is 'gender, age, gender_age, country, city, locale, language, job_function, seniority, industry, company_size, device or source.';
comment on column core.audience.bucket is 'The bucket as the platform names it (female, 25-34, ID, Jakarta, ...); gender_age as gender|age.';
comment on column core.audience.value is 'Count in the bucket; NULL where the platform gives only a share.';
comment on column core.audience.share is 'The platform''s own share of the bucket as a fraction (0.42), where it states one; NULL otherwise.';
comment on column core.audience.load_id is 'Load (ops.load) that last wrote the row.';

create table if not exists core.audience_activity (
    platform varchar not null,
    account_id varchar not null,
    as_of_date date not null,
    day_of_week integer not null check (day_of_week between 1 and 7),
    hour integer not null check (hour between 0 and 23),
    online_followers bigint,
    load_id bigint not null,
    primary key (platform, account_id, as_of_date, day_of_week, hour)
);
comment on table core.audience_activity is 'Each row is how many followers were online in one hour of one weekday, as measured in the snapshot of as_of_date (the local date the activity was observed).';
comment on column core.audience_activity.platform is 'Platform code of the account.';
comment on column core.audience_activity.account_id is 'The account (core.account).';
comment on column core.audience_activity.as_of_date is 'Local date the activity was observed (one snapshot per date).';
comment on column core.audience_activity.day_of_week is 'ISO weekday of as_of_date: 1 = Monday ... 7 = Sunday.';
comment on column core.audience_activity.hour is 'Hour of the day in the account''s timezone, 0-23.';
comment on column core.audience_activity.online_followers is 'Followers active in that hour.';
comment on column core.audience_activity.load_id is 'Load (ops.load) that last wrote the row.';

create table if not exists core.ad_daily (
    platform varchar not null check (platform in ('meta', 'google', 'tiktok', 'linkedin', 'x')),
    ad_account_id varchar not null,
    campaign_id varchar not null,
    ad_id varchar not null,
    date date not null,
    campaign_name varchar,
    ad_set_name varchar,
    ad_name varchar,
    objective varchar,
    result_type varchar,
    results double,
    currency varchar,
    spend double,
    impressions bigint,
    reach bigint,
    clicks bigint,
    link_clicks bigint,
    video_views bigint,
    conversions double,
    conversion_value double,
    leads double,
    load_id bigint not null,
    primary key (platform, ad_account_id, campaign_id, ad_id, date)
);
comment on table core.ad_daily is 'Each row is one ad (or one campaign, when the export is campaign-level: ad_id = '''') on one date, with the spend in its own currency.';
comment on column core.ad_daily.platform is 'Ads platform code: meta (Facebook and Instagram ads), google, tiktok, linkedin, x.';
comment on column core.ad_daily.ad_account_id is 'Ad account id; '''' when the export does not name it and no --account was given.';
comment on column core.ad_daily.campaign_id is 'Campaign id, or the campaign name where the export gives no id.';
comment on column core.ad_daily.ad_id is 'Ad id, or the ad name where the export gives no id; '''' for campaign-level rows.';
comment on column core.ad_daily.date is 'Local date of delivery in the ad account''s timezone.';
comment on column core.ad_daily.campaign_name is 'Campaign name as the platform shows it.';
comment on column core.ad_daily.ad_set_name is 'Ad set / ad group name.';
comment on column core.ad_daily.ad_name is 'Ad name.';
comment on column core.ad_daily.objective is 'Campaign objective as the platform states it.';
comment on column core.ad_daily.result_type is 'What the platform counts as a result for this row (Meta "Result type"), e.g. Leads, Link clicks.';
comment on column core.ad_daily.results is 'Results as the platform counts them for result_type (Meta "Results"); also fed into leads, conversions or link_clicks when the type says so.';
comment on column core.ad_daily.currency is 'ISO 4217 currency of spend and conversion_value; never converted.';
comment on column core.ad_daily.spend is 'Amount spent, in currency.';
comment on column core.ad_daily.impressions is 'Impressions.';
comment on column core.ad_daily.reach is 'People reached that date (unique; never summed across days into a reach).';
comment on column core.ad_daily.clicks is 'Clicks (all).';
comment on column core.ad_daily.link_clicks is 'Link clicks, where the platform distinguishes them.';
comment on column core.ad_daily.video_views is 'Video plays or views.';
comment on column core.ad_daily.conversions is 'Conversions (Google Ads conversions, Meta results of a conversion type).';
comment on column core.ad_daily.conversion_value is 'Value of the conversions, in currency.';
comment on column core.ad_daily.leads is 'Leads (Meta results of type lead, lead form submissions).';
comment on column core.ad_daily.load_id is 'Load (ops.load) that last wrote the row.';

create table if not exists core.ad_period (
    platform varchar not null check (platform in ('meta', 'google', 'tiktok', 'linkedin', 'x')),
    ad_account_id varchar not null,
    campaign_id varchar not null,
    ad_id varchar not null,
    date_start date not null,
    date_end date not null,
    campaign_name varchar,
    ad_set_name varchar,
    ad_name varchar,
    objective varchar,
    result_type varchar,
    results double,
    currency varchar,
    spend double,
    impressions bigint,
    reach bigint,
    clicks bigint,
    link_clicks bigint,
    video_views bigint,
    conversions double,
    conversion_value double,
    leads double,
    load_id bigint not null,
    primary key (platform, ad_account_id, campaign_id, ad_id, date_start, date_end)
);
comment on table core.ad_period is 'Each row is one ad or campaign over a reporting range (an export aggregated from date_start to date_end); never split into days.';
comment on column core.ad_period.platform is 'Ads platform code: meta, google, tiktok, linkedin, x.';
comment on column core.ad_period.ad_account_id is 'Ad account id; '''' when unknown.';
comment on column core.ad_period.campaign_id is 'Campaign id, or the campaign name where the export gives no id.';
comment on column core.ad_period.ad_id is 'Ad id or name; '''' for campaign-level rows.';
comment on column core.ad_period.date_start is 'First date of the reporting range (inclusive).';
comment on column core.ad_period.date_end is 'Last date of the reporting range (inclusive).';
comment on column core.ad_period.campaign_name is 'Campaign name.';
comment on column core.ad_period.ad_set_name is 'Ad set / ad group name.';
comment on column core.ad_period.ad_name is 'Ad name.';
comment on column core.ad_period.objective is 'Campaign objective.';
comment on column core.ad_period.result_type is 'What the platform counts as a result for this row.';
comment on column core.ad_period.results is 'Results as the platform counts them for result_type (Meta "Results"); also fed into leads, conversions or link_clicks when the type says so.';
comment on column core.ad_period.currency is 'ISO 4217 currency of spend and conversion_value.';
comment on column core.ad_period.spend is 'Amount spent over the range.';
comment on column core.ad_period.impressions is 'Impressions over the range.';
comment on column core.ad_period.reach is 'People reached over the range, as the platform states it.';
comment on column core.ad_period.clicks is 'Clicks (all) over the range.';
comment on column core.ad_period.link_clicks is 'Link clicks over the range.';
comment on column core.ad_period.video_views is 'Video plays or views over the range.';
comment on column core.ad_period.conversions is 'Conversions over the range.';
comment on column core.ad_period.conversion_value is 'Value of the conversions.';
comment on column core.ad_period.leads is 'Leads over the range.';
comment on column core.ad_period.load_id is 'Load (ops.load) that last wrote the row.';

create table ops.quarantine_by_sheet (
    load_id bigint not null,
    sheet varchar not null default '',
    row_number bigint not null,
    reason varchar not null,
    raw json,
    primary key (load_id, sheet, row_number)
);
insert into ops.quarantine_by_sheet select load_id, '', row_number, reason, raw from ops.quarantine;
drop table ops.quarantine;
alter table ops.quarantine_by_sheet rename to quarantine;
comment on table ops.quarantine is 'Each row is one input row refused by validation, with the reason and the original row.';
comment on column ops.quarantine.load_id is 'The load (ops.load) the row belongs to.';
comment on column ops.quarantine.sheet is 'Worksheet of a workbook input; '''' for CSV files.';
comment on column ops.quarantine.row_number is 'Row number in the file or sheet as a spreadsheet shows it (the header row counts; quoted line breaks do not).';
comment on column ops.quarantine.reason is 'Why the row was refused, naming the column and value.';
comment on column ops.quarantine.raw is 'The original row as a JSON object keyed by the file''s own column names.';
