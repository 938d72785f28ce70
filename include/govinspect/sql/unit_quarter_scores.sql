-- A unit's score for one quarter: the mean over the unit's websites and accounts.
-- A vetoed (单项否决) website or account scores the rubric's vetoed score (0 nationally, 59 under 肇庆-2019),
-- a website failing on points keeps its points;
-- an account that passes scores 100; accounts whose state is unknown are left out and counted.
with judged as (
    select
        unit,
        unit_kind,
        entity_type,
        verdict,
        case
            when verdict = 'fail' and score is null then cast(:vetoed_score as float)
            when entity_type = 'account' then coalesce(score, 100.0)
            else score
        end as points
    from verdicts
    where quarter = :quarter
      and unit is not null
),

per_unit as (
    select
        unit,
        max(unit_kind) as unit_kind,
        avg(case when entity_type = 'website' and verdict <> 'unknown' then points end) as website_score,
        avg(case when entity_type = 'account' and verdict <> 'unknown' then points end) as account_score,
        avg(case when verdict <> 'unknown' then points end) as score,
        sum(case when verdict <> 'unknown' then 1 else 0 end) as judged,
        sum(case when verdict = 'fail' then 1 else 0 end) as failed,
        sum(case when verdict = 'unknown' then 1 else 0 end) as unknown
    from judged
    group by unit
),

final as (
    select
        cast(:quarter as varchar(8)) as period,
        unit,
        unit_kind,
        website_score,
        account_score,
        score,
        judged,
        failed,
        unknown
    from per_unit
)

select * from final order by unit
