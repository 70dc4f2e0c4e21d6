-- Each model judgement of an evaluation (a text criterion, the summary), kept as soon as it is
-- made: a retried evaluation asks the model only for what it did not answer yet.
create table judgements (
    run_id      uuid        not null references runs (id) on delete cascade,
    evaluation  integer     not null,
    item        text        not null,
    result      jsonb       not null,
    created_at  timestamptz not null,
    primary key (run_id, evaluation, item)
);
