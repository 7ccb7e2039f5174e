-- model: int_conversion_periods
-- grain: Each row is one ads scope in one period of one grain (day, week, month, quarter, year): a campaign in one currency, an ad account, an ads platform or all platforms (the report's totals and the scorecard's scopes). Money is summed only within one currency: a scope spending in several has NULL money columns.
-- refresh: period_end
-- column level: campaign, ad_account, platform or all.
-- column scope: NULL for campaigns; platform:ad_account_id, the ads platform code, or 'all'.
-- column grain: day, week, month, quarter or year.
-- column period_start: First date of the period.
-- column period_end: Last date of the period.
-- column platform: Ads platform code; NULL for all platforms.
-- column ad_account_id: Ad account id; NULL above ad account level.
-- column campaign_id: Campaign id; NULL above campaign level.
-- column campaign_name: Campaign name (the latest in the period).
-- column currency: Currency of the money columns; NULL when the scope spends in several (money columns are then NULL) or has no money.
-- column spend: Amount spent, in currency.
-- column impressions: Impressions.
-- column reach: People reached: the platform's value for the period (a day's row, or an aggregated export covering exactly the period); NULL otherwise (daily reach is never summed).
-- column clicks: Link clicks where the platform distinguishes them, else all clicks.
-- column conversions: Conversions.
-- column conversion_value: Value of the conversions, in currency.
-- column spend_with_clicks: Spend of the ad rows with clicks (cpc numerator). NULL where the scope spends in several currencies.
-- column clicks_with_spend: Clicks of the ad rows with spend (cpc denominator).
-- column spend_with_impressions: Spend of the ad rows with impressions (cpm numerator). NULL where the scope spends in several currencies.
-- column impressions_with_spend: Impressions of the ad rows with spend (cpm denominator).
-- column clicks_with_impressions: Clicks of the ad rows with impressions (ctr numerator).
-- column impressions_with_clicks: Impressions of the ad rows with clicks (ctr denominator).
-- column conversions_with_clicks: Conversions of the ad rows with clicks (conversion_rate numerator).
-- column clicks_with_conversions: Clicks of the ad rows with conversions (conversion_rate denominator).
-- column spend_with_conversions: Spend of the ad rows with conversions (cost_per_conversion numerator). NULL where the scope spends in several currencies.
-- column conversions_with_spend: Conversions of the ad rows with spend (cost_per_conversion denominator).
-- column conversion_value_with_spend: Conversion value of the ad rows with spend (roas numerator). NULL where the scope spends in several currencies.
-- column spend_with_conversion_value: Spend of the ad rows with a conversion value (roas denominator). NULL where the scope spends in several currencies.
-- column sessions_with_engaged: Sessions of those platforms' web rows that have engaged sessions (GA4).
-- column engaged_sessions_with_sessions: Engaged sessions of those platforms' web rows that have sessions.
-- column sessions_with_bounces: Sessions of those platforms' web rows that have bounces (Universal Analytics).
-- column bounces_with_sessions: Bounces of those platforms' web rows that have sessions.
-- column mentions: Own-brand mentions on those platforms (context).
-- column conversations: Own comments + own-brand mentions on those platforms (context).
create or replace view model.int_conversion_periods as
with expanded as (
    select
        c.grain,
        c.period_start,
        c.period_end,
        a.*
    from model.int_ad_daily as a
    inner join model.int_calendar as c on a.date = c.date
),

campaigns as (
    select
        'campaign' as level,
        grain,
        period_start,
        period_end,
        platform,
        ad_account_id,
        campaign_id,
        arg_max(campaign_name, date) as campaign_name,
        currency,
        sum(spend::decimal(38, 12))::double as spend,
        sum(impressions)::bigint as impressions,
        case when grain = 'day' then max(reach) end as reach,
        sum(clicks)::bigint as clicks,
        sum(conversions::decimal(38, 12))::double as conversions,
        sum(conversion_value::decimal(38, 12))::double as conversion_value,
        sum(spend_with_clicks::decimal(38, 12))::double as spend_with_clicks,
        sum(clicks_with_spend)::bigint as clicks_with_spend,
        sum(spend_with_impressions::decimal(38, 12))::double as spend_with_impressions,
        sum(impressions_with_spend)::bigint as impressions_with_spend,
        sum(clicks_with_impressions)::bigint as clicks_with_impressions,
        sum(impressions_with_clicks)::bigint as impressions_with_clicks,
        sum(conversions_with_clicks::decimal(38, 12))::double as conversions_with_clicks,
        sum(clicks_with_conversions)::bigint as clicks_with_conversions,
        sum(spend_with_conversions::decimal(38, 12))::double as spend_with_conversions,
        sum(conversions_with_spend::decimal(38, 12))::double as conversions_with_spend,
        sum(conversion_value_with_spend::decimal(38, 12))::double as conversion_value_with_spend,
        sum(spend_with_conversion_value::decimal(38, 12))::double as spend_with_conversion_value
    from expanded
    group by grain, period_start, period_end, platform, ad_account_id, campaign_id, currency
),

period_reach as (
    select
        c.grain,
        c.period_start,
        p.platform,
        p.ad_account_id,
        p.campaign_id,
        p.currency,
        p.reach
    from model.int_ad_period as p
    inner join (
        select distinct grain, period_start, period_end
        from model.int_calendar
        where grain <> 'day'
    ) as c on p.date_start = c.period_start and p.date_end = c.period_end
    where p.reach is not null
),

rollups as (
    select
        case
            when grouping(ad_account_id) = 0 then 'ad_account'
            when grouping(platform) = 0 then 'platform'
            else 'all'
        end as level,
        grain,
        period_start,
        period_end,
        platform,
        ad_account_id,
        null as campaign_id,
        null as campaign_name,
        model.money_currency(currency, coalesce(spend, conversion_value)) as currency,
        model.money_sum(spend, currency) as spend,
        sum(impressions)::bigint as impressions,
        null::bigint as reach,
        sum(clicks)::bigint as clicks,
        sum(conversions::decimal(38, 12))::double as conversions,
        model.money_sum(conversion_value, currency) as conversion_value,
        case
            when model.money_sum(spend, currency) is not null
                then sum(spend_with_clicks::decimal(38, 12))::double
        end as spend_with_clicks,
        sum(clicks_with_spend)::bigint as clicks_with_spend,
        case
            when model.money_sum(spend, currency) is not null
                then sum(spend_with_impressions::decimal(38, 12))::double
        end as spend_with_impressions,
        sum(impressions_with_spend)::bigint as impressions_with_spend,
        sum(clicks_with_impressions)::bigint as clicks_with_impressions,
        sum(impressions_with_clicks)::bigint as impressions_with_clicks,
        sum(conversions_with_clicks::decimal(38, 12))::double as conversions_with_clicks,
        sum(clicks_with_conversions)::bigint as clicks_with_conversions,
        case
            when model.money_sum(spend, currency) is not null
                then sum(spend_with_conversions::decimal(38, 12))::double
        end as spend_with_conversions,
        sum(conversions_with_spend::decimal(38, 12))::double as conversions_with_spend,
        case
            when model.money_sum(conversion_value, currency) is not null
                then sum(conversion_value_with_spend::decimal(38, 12))::double
        end as conversion_value_with_spend,
        case
            when model.money_sum(spend, currency) is not null
                then sum(spend_with_conversion_value::decimal(38, 12))::double
        end as spend_with_conversion_value
    from expanded
    group by grouping sets (
        (grain, period_start, period_end, platform, ad_account_id),
        (grain, period_start, period_end, platform),
        (grain, period_start, period_end)
    )
),

measures as (
    select c.* replace (coalesce(c.reach, r.reach) as reach)
    from campaigns as c
    left join period_reach as r
        on c.grain = r.grain
        and c.period_start = r.period_start
        and c.platform = r.platform
        and c.ad_account_id = r.ad_account_id
        and c.campaign_id = r.campaign_id
        and c.currency is not distinct from r.currency
    union all by name
    select * from rollups
),

final as (
    select
        m.*,
        case m.level
            when 'ad_account' then m.platform || ':' || m.ad_account_id
            when 'platform' then m.platform
            when 'all' then 'all'
        end as scope,
        x.sessions_with_engaged,
        x.engaged_sessions_with_sessions,
        x.sessions_with_bounces,
        x.bounces_with_sessions,
        x.mentions,
        x.conversations
    from measures as m
    left join model.int_ad_context_periods as x
        on m.grain = x.grain
        and m.period_start = x.period_start
        and x.level = case when m.level = 'all' then 'all' else 'platform' end
        and m.platform is not distinct from x.platform
)

select
    level, scope, grain, period_start, period_end, platform, ad_account_id, campaign_id,
    campaign_name, currency, spend, impressions, reach, clicks, conversions, conversion_value,
    spend_with_clicks, clicks_with_spend, spend_with_impressions, impressions_with_spend,
    clicks_with_impressions, impressions_with_clicks, conversions_with_clicks,
    clicks_with_conversions, spend_with_conversions, conversions_with_spend,
    conversion_value_with_spend, spend_with_conversion_value, sessions_with_engaged,
    engaged_sessions_with_sessions, sessions_with_bounces, bounces_with_sessions, mentions,
    conversations
from final
