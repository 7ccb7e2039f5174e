-- model: insights_audience
-- grain: Each row is one audience bucket (a gender, an age band, a country, ...) of one account, as of one date, for one measure (followers, reached people, viewers, ...), with its share of the dimension (METRICS.md, insights).
-- materialize: metrics.insights_audience
-- column platform: Platform code of the account.
-- column account_id: Account id.
-- column as_of_date: Date the breakdown describes.
-- column measure: What is counted: followers, reach, views, visitors, watch_time (core.audience).
-- column dimension: gender, age, gender_age, country, city, locale, language, job_function, seniority, industry, company_size, device or source.
-- column bucket: The bucket as the platform names it; gender_age as gender|age.
-- column is_own: False for competitor accounts.
-- column value: Count in the bucket; NULL where the platform gives only a share.
-- column share: value / sum of value within (platform, account_id, as_of_date, measure, dimension); where the platform gives only shares, its own share.
create or replace view model.insights_audience as
with shares as (
    select
        u.platform,
        u.account_id,
        u.as_of_date,
        u.measure,
        u.dimension,
        u.bucket,
        coalesce(a.is_own, true) as is_own,
        u.value,
        coalesce(
            model.share_of_total(
                u.value,
                sum(u.value::decimal(38, 12)) over (
                    partition by u.platform, u.account_id, u.as_of_date, u.measure, u.dimension
                )::double
            ),
            u.share
        ) as share
    from core.audience as u
    left join core.account as a on u.platform = a.platform and u.account_id = a.account_id
),

final as (
    select platform, account_id, as_of_date, measure, dimension, bucket, is_own, value, share
    from shares
)

select platform, account_id, as_of_date, measure, dimension, bucket, is_own, value, share
from final
