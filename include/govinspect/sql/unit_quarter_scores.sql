-- A unit's score for one quarter (单位季度得分), with the semantics of govinspect.scoring.units,
-- to the digit (a test compares the two on SQLite and PostgreSQL):
--   an unknown website or account is left out and counted; a vetoed one (fail without a score)
--   counts vetoed_points; one scored on points (pass or fail) counts its score; one that passed
--   a veto-only test counts its full marks (website_full, account_full);
--   the quarter is the mean of the unit's points, or, with weights (website_weight,
--   account_weight; both 0 for none), the weighted mean of its website mean and its account
--   mean, a part the unit lacks left out; rounded once, half up; then capped at cap_points when
--   the unit has a vetoed website (cap_websites = 1) or account (cap_accounts = 1).
-- Points are whole steps of 1 / scale (scale = 10 ^ score_decimals) and every mean is an integer
-- division, so no float rounding can differ between the two databases.
with entities as (
    select
        unit,
        unit_kind,
        entity_type,
        verdict,
        case when verdict = 'fail' and score is null then 1 else 0 end as vetoed,
        case
            when verdict = 'unknown' then null
            when verdict = 'fail' and score is null then cast(:vetoed_points as bigint)
            when score is null and entity_type = 'website' then cast(:website_full as bigint)
            when score is null then cast(:account_full as bigint)
            else cast(round(score * :scale) as bigint)
        end as points
    from verdicts
    where quarter = :quarter
      and unit is not null
      and unit <> ''
),

per_unit as (
    select
        unit,
        max(unit_kind) as unit_kind,
        cast(sum(case when entity_type = 'website' then points end) as bigint) as website_points,
        sum(case when entity_type = 'website' and points is not null then 1 else 0 end) as websites,
        cast(sum(case when entity_type = 'account' then points end) as bigint) as account_points,
        sum(case when entity_type = 'account' and points is not null then 1 else 0 end) as accounts,
        sum(case when entity_type = 'website' then vetoed else 0 end) as vetoed_websites,
        sum(case when entity_type = 'account' then vetoed else 0 end) as vetoed_accounts,
        sum(case when points is not null then 1 else 0 end) as judged,
        sum(case when verdict = 'fail' then 1 else 0 end) as failed,
        sum(case when verdict = 'unknown' then 1 else 0 end) as unknown
    from entities
    group by unit
),

-- the unit's exact score as numerator / denominator, in steps of 1 / scale
ratios as (
    select
        per_unit.*,
        case
            when cast(:website_weight as bigint) + cast(:account_weight as bigint) = 0
                then coalesce(website_points, 0) + coalesce(account_points, 0)
            when websites > 0 and accounts > 0
                then cast(:website_weight as bigint) * website_points * accounts
                     + cast(:account_weight as bigint) * account_points * websites
            when websites > 0 and cast(:website_weight as bigint) > 0 then website_points
            when accounts > 0 and cast(:account_weight as bigint) > 0 then account_points
        end as numerator,
        case
            when cast(:website_weight as bigint) + cast(:account_weight as bigint) = 0 then judged
            when websites > 0 and accounts > 0
                then (cast(:website_weight as bigint) + cast(:account_weight as bigint)) * websites * accounts
            when websites > 0 and cast(:website_weight as bigint) > 0 then websites
            when accounts > 0 and cast(:account_weight as bigint) > 0 then accounts
        end as denominator
    from per_unit
),

-- half up: floor(n / d + 1/2) = (2n + d) div 2d for n >= 0
rounded as (
    select
        unit,
        unit_kind,
        case when denominator > 0 then (2 * numerator + denominator) / (2 * denominator) end as score_points,
        case when websites > 0 then (2 * website_points + websites) / (2 * websites) end as website_part,
        case when accounts > 0 then (2 * account_points + accounts) / (2 * accounts) end as account_part,
        cast(:cap_websites as bigint) * vetoed_websites + cast(:cap_accounts as bigint) * vetoed_accounts as capping_vetoes,
        judged,
        failed,
        unknown
    from ratios
),

final as (
    select
        cast(:quarter as varchar(8)) as period,
        unit,
        unit_kind,
        cast(website_part as float) / :scale as website_score,
        cast(account_part as float) / :scale as account_score,
        cast(
            case
                when capping_vetoes > 0 and score_points > cast(:cap_points as bigint) then cast(:cap_points as bigint)
                else score_points
            end as float
        ) / :scale as score,
        judged,
        failed,
        unknown
    from rounded
)

select * from final order by unit
