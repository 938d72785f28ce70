-- A unit's annual score (年度考核): the mean of its quarters. When the preset weights websites
-- and new media (湾沚-2021: 30 / 70), the two quarterly means are weighted; otherwise, and for
-- a unit with only one of the two, the mean of the quarterly scores is taken.
with quarters as (
    select
        unit,
        unit_kind,
        website_score,
        account_score,
        score,
        judged,
        failed,
        unknown
    from unit_scores
    where period like :year_pattern
      and length(period) = 6
),

per_unit as (
    select
        unit,
        max(unit_kind) as unit_kind,
        avg(website_score) as website_score,
        avg(account_score) as account_score,
        avg(score) as mean_score,
        sum(judged) as judged,
        sum(failed) as failed,
        sum(unknown) as unknown
    from quarters
    group by unit
),

final as (
    select
        cast(:year as varchar(8)) as period,
        unit,
        unit_kind,
        website_score,
        account_score,
        case
            when cast(:website_weight as float) + cast(:account_weight as float) > 0
                 and website_score is not null and account_score is not null
                then (website_score * cast(:website_weight as float) + account_score * cast(:account_weight as float))
                     / (cast(:website_weight as float) + cast(:account_weight as float))
            else mean_score
        end as score,
        judged,
        failed,
        unknown
    from per_unit
)

select * from final order by unit
