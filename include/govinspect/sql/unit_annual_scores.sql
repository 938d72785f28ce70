-- A unit's annual score (年度考核), with the semantics of govinspect.scoring.units: the mean of
-- its quarterly scores over the quarters assessed that year (those with any unit score stored).
-- A quarter without a score is skipped, or counts 0 when missing_zero = 1. Rounded once, half
-- up. The website and account parts are the means of the quarterly parts where present.
-- Quarterly scores are read back as whole steps of 1 / scale (scale = 10 ^ score_decimals).
with quarters as (
    select
        period,
        unit,
        unit_kind,
        case when score is not null then cast(round(score * :scale) as bigint) end as points,
        case when website_score is not null then cast(round(website_score * :scale) as bigint) end as website_points,
        case when account_score is not null then cast(round(account_score * :scale) as bigint) end as account_points,
        judged,
        failed,
        unknown
    from unit_scores
    where period like :year_pattern
      and length(period) = 6
),

assessed as (
    select count(distinct period) as quarters
    from quarters
),

per_unit as (
    select
        unit,
        max(unit_kind) as unit_kind,
        cast(sum(points) as bigint) as points,
        count(points) as scored,
        cast(sum(website_points) as bigint) as website_points,
        count(website_points) as website_quarters,
        cast(sum(account_points) as bigint) as account_points,
        count(account_points) as account_quarters,
        sum(judged) as judged,
        sum(failed) as failed,
        sum(unknown) as unknown
    from quarters
    group by unit
),

final as (
    select
        cast(:year as varchar(8)) as period,
        per_unit.unit,
        per_unit.unit_kind,
        cast(
            case
                when website_quarters > 0
                    then (2 * website_points + website_quarters) / (2 * website_quarters)
            end as float
        ) / :scale as website_score,
        cast(
            case
                when account_quarters > 0
                    then (2 * account_points + account_quarters) / (2 * account_quarters)
            end as float
        ) / :scale as account_score,
        cast(
            case
                when cast(:missing_zero as bigint) = 1
                    then (2 * coalesce(per_unit.points, 0) + assessed.quarters) / (2 * assessed.quarters)
                when scored > 0 then (2 * per_unit.points + scored) / (2 * scored)
            end as float
        ) / :scale as score,
        judged,
        failed,
        unknown
    from per_unit
    cross join assessed
)

select * from final order by unit
