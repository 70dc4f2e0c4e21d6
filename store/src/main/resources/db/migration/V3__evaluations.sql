-- The simulated user's experience, as the model read it: positive, neutral or negative, and a short summary.
alter table runs add column sentiment text;
alter table runs add column summary text;
-- Which evaluation of the run the verdict and results above come from: 1 when the run ended, more after rejudging.
alter table runs add column evaluation integer;

-- Every evaluation of a run, the latest also copied onto the run.
create table evaluations (
    run_id             uuid        not null references runs (id) on delete cascade,
    number             integer     not null,
    verdict            text        not null,
    error_category     text,
    error_message      text,
    technical_details  text,
    results            jsonb       not null,
    sentiment          text,
    summary            text,
    created_at         timestamptz not null,
    primary key (run_id, number)
);

-- A batch's stored transcripts judged again: the criteria they were judged with, and how far it got.
create table rejudges (
    batch_id      uuid        not null references batches (id) on delete cascade,
    number        integer     not null,
    criteria      jsonb       not null,
    status        text        not null,
    created_at    timestamptz not null,
    completed_at  timestamptz,
    primary key (batch_id, number)
);

-- Runs judged before evaluations were kept: their verdict is their first evaluation.
update runs set evaluation = 1 where verdict is not null;
insert into evaluations (run_id, number, verdict, error_category, error_message, technical_details, results, created_at)
select id, 1, verdict, error_category, error_message, technical_details, coalesce(results, '[]'::jsonb),
       coalesce(completed_at, created_at)
from runs where verdict is not null;
