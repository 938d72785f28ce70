-- Each unit's score in one period beside the period before (环比) and the same period a year
-- earlier (同比): for a quarter, previous is the quarter before and year_ago the same quarter
-- of the year before; for a year, both are the year before. A change is null when either
-- score is missing. Differences are taken in whole steps of 1 / scale, so 63.33 − 60.1 is 3.23.
with current_scores as (
    select unit, unit_kind, score, website_score, account_score
    from unit_scores
    where period = :period
),

previous_scores as (
    select unit, score
    from unit_scores
    where period = :previous
),

year_ago_scores as (
    select unit, score
    from unit_scores
    where period = :year_ago
),

final as (
    select
        c.unit,
        c.unit_kind,
        c.score,
        c.website_score,
        c.account_score,
        p.score as previous_score,
        case
            when c.score is not null and p.score is not null
                then cast(cast(round(c.score * :scale) as bigint) - cast(round(p.score * :scale) as bigint) as float)
                     / :scale
        end as change_from_previous,
        y.score as year_ago_score,
        case
            when c.score is not null and y.score is not null
                then cast(cast(round(c.score * :scale) as bigint) - cast(round(y.score * :scale) as bigint) as float)
                     / :scale
        end as change_from_year_ago
    from current_scores as c
    left join previous_scores as p on p.unit = c.unit
    left join year_ago_scores as y on y.unit = c.unit
)

select * from final order by unit
