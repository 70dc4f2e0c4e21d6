-- Agents, models and scenarios: user-defined objects of a project, kept as JSON documents.
create table definitions (
    id          uuid primary key,
    project_id  text        not null,
    kind        text        not null,
    name        text        not null,
    body        jsonb       not null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null
);
create index definitions_project_kind on definitions (project_id, kind, created_at);

create table batches (
    id              uuid primary key,
    project_id      text        not null,
    scenario_id     uuid        not null,
    agent_id        uuid        not null,
    model_id        uuid        not null,
    name            text        not null,
    runs            integer     not null,
    status          text        not null,
    stop_reason     text,
    end_point_type  text,
    run_config      jsonb       not null,
    created_by      text        not null,
    created_at      timestamptz not null,
    started_at      timestamptz,
    completed_at    timestamptz
);
create index batches_project on batches (project_id, created_at);

create table runs (
    id                  uuid primary key,
    batch_id            uuid        not null references batches (id) on delete cascade,
    sequence            integer     not null,
    status              text        not null,
    verdict             text,
    termination_reason  text,
    error_category      text,
    error_message       text,
    technical_details   text,
    results             jsonb,
    success_criteria    jsonb       not null,
    max_turns           integer     not null,
    is_batch_stopped    boolean     not null default false,
    created_at          timestamptz not null,
    completed_at        timestamptz,
    unique (batch_id, sequence)
);

create table turns (
    run_id      uuid        not null references runs (id) on delete cascade,
    sequence    integer     not null,
    role        text        not null,
    text        text        not null,
    data        jsonb,
    latency_ms  integer,
    created_at  timestamptz not null,
    primary key (run_id, sequence)
);
