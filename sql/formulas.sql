-- Metric formulas: one DuckDB macro per formula, created in schema model before the views.
-- Every rate, share and derived count of the metric layer is one of these macros; views aggregate
-- the base measures of a period (and scope) and call the macro, so a formula is written once and
-- daily, weekly, monthly, period and scorecard values cannot drift apart (METRICS.md).
-- A ratio whose denominator is NULL or 0 is NULL (nullif); a sum of two measures is NULL only
-- when both are NULL. A ratio's numerator and denominator are summed over the same rows: views pass
-- paired sums (`engagements_with_reach` beside `post_reach_with_engagements`, ...), so a post,
-- account, web row or ad row that lacks one of the two measures adds to neither (DECISIONLOG).
-- Each `-- macro <name>: <text>` line documents the macro that follows it and becomes its
-- COMMENT ON MACRO.

-- macro refresh_from: The first date an incremental build recomputes (flows/build/increment.py sets it), '-infinity' in a full build; a date-refreshed model filters its sources' dates with it where a CTE read twice would keep DuckDB from pushing the refresh condition down to them.
create or replace macro model.refresh_from() as
    coalesce(getvariable('kunci_refresh_from'), date '-infinity');

-- macro conversations: comments + mentions (jumlah perbincangan); NULL only when both are NULL.
create or replace macro model.conversations(comments, mentions) as
    case
        when comments is not null or mentions is not null
            then coalesce(comments, 0) + coalesce(mentions, 0)
    end;

-- macro engagements: reactions + comments + shares + saves; NULL only when all four are NULL.
create or replace macro model.engagements(reactions, comments, shares, saves) as
    case
        when coalesce(reactions, comments, shares, saves) is not null
            then coalesce(reactions, 0) + coalesce(comments, 0) + coalesce(shares, 0)
                + coalesce(saves, 0)
    end;

-- macro total_leads: ad leads + web leads; NULL only when both are NULL.
create or replace macro model.total_leads(ad_leads, web_leads) as
    case
        when ad_leads is not null or web_leads is not null
            then coalesce(ad_leads, 0) + coalesce(web_leads, 0)
    end;

-- macro audience_growth_rate: net_follower_growth / followers at the start of the period.
create or replace macro model.audience_growth_rate(net_follower_growth, followers_start) as
    net_follower_growth / nullif(followers_start, 0);

-- macro share_of_voice: mentions of the brand / mentions of all tracked brands (own + competitors).
create or replace macro model.share_of_voice(mentions, tracked_mentions) as
    coalesce(mentions, 0) / nullif(tracked_mentions, 0);

-- macro engagement_rate: engagements / post_reach (engagement rate by reach).
create or replace macro model.engagement_rate(engagements, post_reach) as
    engagements / nullif(post_reach, 0);

-- macro engagement_rate_impressions: engagements / post_impressions.
create or replace macro model.engagement_rate_impressions(engagements, post_impressions) as
    engagements / nullif(post_impressions, 0);

-- macro engagement_rate_followers: engagements / posts / followers_total.
create or replace macro model.engagement_rate_followers(engagements, posts, followers_total) as
    engagements / nullif(posts, 0) / nullif(followers_total, 0);

-- macro amplification_rate: shares / posts / followers_total (angka amplifikasi).
create or replace macro model.amplification_rate(shares, posts, followers_total) as
    shares / nullif(posts, 0) / nullif(followers_total, 0);

-- macro applause_rate: reactions / posts / followers_total.
create or replace macro model.applause_rate(reactions, posts, followers_total) as
    reactions / nullif(posts, 0) / nullif(followers_total, 0);

-- macro conversation_rate: comments / posts / followers_total.
create or replace macro model.conversation_rate(comments, posts, followers_total) as
    comments / nullif(posts, 0) / nullif(followers_total, 0);

-- macro clicks_per_post: clicks / posts.
create or replace macro model.clicks_per_post(clicks, posts) as
    clicks / nullif(posts, 0);

-- macro comment_score: comments / posts (skor jumlah komentar).
create or replace macro model.comment_score(comments, posts) as
    comments / nullif(posts, 0);

-- macro bounce_rate: GA4 1 - engaged_sessions / the sessions of web rows with engaged sessions; where only bounces are known (Universal Analytics) bounces / the sessions of rows with bounces; each pair over the same rows, so sessions without the measure never dilute the rate.
create or replace macro model.bounce_rate(sessions_with_engaged, engaged_sessions,
    sessions_with_bounces, bounces) as
    case
        when engaged_sessions is not null then 1 - engaged_sessions / nullif(sessions_with_engaged, 0)
        when bounces is not null then bounces / nullif(sessions_with_bounces, 0)
    end;

-- macro link_ctr: link_clicks / post_impressions (traffic click-through rate of organic posts).
create or replace macro model.link_ctr(link_clicks, post_impressions) as
    link_clicks / nullif(post_impressions, 0);

-- macro ad_ctr: clicks / impressions (ads click-through rate).
create or replace macro model.ad_ctr(clicks, impressions) as
    clicks / nullif(impressions, 0);

-- macro cpc: spend / clicks (cost per click, in the spend's currency).
create or replace macro model.cpc(spend, clicks) as
    spend / nullif(clicks, 0);

-- macro cpm: spend / impressions * 1000 (cost per thousand impressions).
create or replace macro model.cpm(spend, impressions) as
    spend / nullif(impressions, 0) * 1000;

-- macro conversion_rate: conversions / clicks.
create or replace macro model.conversion_rate(conversions, clicks) as
    conversions / nullif(clicks, 0);

-- macro cost_per_conversion: spend / conversions.
create or replace macro model.cost_per_conversion(spend, conversions) as
    spend / nullif(conversions, 0);

-- macro roas: conversion_value / spend (return on ad spend, same currency).
create or replace macro model.roas(conversion_value, spend) as
    conversion_value / nullif(spend, 0);

-- macro cost_per_lead: spend / ad leads (ad spend and ad leads only).
create or replace macro model.cost_per_lead(spend, ad_leads) as
    spend / nullif(ad_leads, 0);

-- macro lead_rate: leads / clicks.
create or replace macro model.lead_rate(leads, clicks) as
    leads / nullif(clicks, 0);

-- macro step_rate: a funnel step / the previous step.
create or replace macro model.step_rate(step, previous_step) as
    step / nullif(previous_step, 0);

-- macro share_of_total: a part / the total of its group (audience, activity and content shares).
create or replace macro model.share_of_total(part, total) as
    part / nullif(total, 0);

-- macro attainment: actual / target where higher is better, target / actual where lower is better.
create or replace macro model.attainment(actual, target, direction) as
    case direction
        when 'higher' then actual / nullif(target, 0)
        when 'lower' then target / nullif(actual, 0)
    end;

-- macro target_status: met (attainment >= 1), at_risk (>= 0.9), missed (below), no_data (actual NULL); an actual of 0 where lower is better is met.
create or replace macro model.target_status(actual, attainment, direction) as
    case
        when actual is null then 'no_data'
        when direction = 'lower' and actual = 0 then 'met'
        when attainment >= 1 then 'met'
        when attainment >= 0.9 then 'at_risk'
        else 'missed'
    end;

-- macro money_sum: aggregate; the sum of an amount when the rows holding it share one currency, else NULL (amounts are never added across currencies).
create or replace macro model.money_sum(amount, currency) as
    case
        when count(distinct coalesce(currency, '')) filter (where amount is not null) <= 1
            then sum(amount::decimal(38, 12))::double
    end;

-- macro money_currency: aggregate; the one currency of the rows holding money, NULL when they have none or several.
create or replace macro model.money_currency(currency, amount) as
    case
        when count(distinct coalesce(currency, '')) filter (where amount is not null) = 1
            then min(currency) filter (where amount is not null)
    end;
