-- model: int_ad_platform_map
-- grain: Each row is one social platform code with the ads platform code its paid side is bought on (DECISIONLOG, metric layer): facebook and instagram are meta, youtube is google; tiktok, linkedin and x are themselves.
-- column platform: Social platform code (core.account, core.web_traffic_daily).
-- column ad_platform: Ads platform code (core.ad_daily): meta, google, tiktok, linkedin, x.
create or replace view model.int_ad_platform_map as
with final as (
    select platform, ad_platform
    from (
        values
            ('facebook', 'meta'),
            ('instagram', 'meta'),
            ('youtube', 'google'),
            ('tiktok', 'tiktok'),
            ('linkedin', 'linkedin'),
            ('x', 'x')
    ) as mapping (platform, ad_platform)
)

select platform, ad_platform
from final
