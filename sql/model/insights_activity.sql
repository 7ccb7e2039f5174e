-- model: insights_activity
-- grain: Each row is one account's followers online in one hour of one ISO weekday, averaged over the snapshots observed on that weekday (METRICS.md, insights: access time).
-- materialize: metrics.insights_activity
-- column platform: Platform code of the account.
-- column account_id: Account id.
-- column day_of_week: ISO weekday: 1 = Monday ... 7 = Sunday.
-- column hour: Hour of the day in the account's timezone, 0-23.
-- column is_own: False for competitor accounts.
-- column snapshots: Snapshots (observed dates) averaged.
-- column online_followers: Followers online in that hour, averaged over the snapshots.
-- column share_of_week: online_followers / the sum of online_followers over the account's week (all weekdays and hours).
create or replace view model.insights_activity as
with averaged as (
    select
        platform,
        account_id,
        day_of_week,
        hour,
        count(online_followers) as snapshots,
        avg(online_followers) as online_followers
    from core.audience_activity
    group by platform, account_id, day_of_week, hour
),

final as (
    select
        v.platform,
        v.account_id,
        v.day_of_week,
        v.hour,
        coalesce(a.is_own, true) as is_own,
        v.snapshots,
        v.online_followers,
        model.share_of_total(
            v.online_followers,
            sum(v.online_followers::decimal(38, 12)) over (
                partition by v.platform, v.account_id
            )::double
        ) as share_of_week
    from averaged as v
    left join core.account as a on v.platform = a.platform and v.account_id = a.account_id
)

select
    platform, account_id, day_of_week, hour, is_own, snapshots, online_followers, share_of_week
from final
