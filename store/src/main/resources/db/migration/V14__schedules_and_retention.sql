-- Batches started on a schedule: a cron expression (UTC) or an interval, and the body of a batch
-- as POST /v1/batches takes it. This table is what the API lists; Temporal holds the timers.
create table schedules (
    id                uuid primary key,
    project_id        text        not null,
    name              text        not null,
    cron              text,
    interval_seconds  bigint,
    batch             jsonb       not null,
    paused            boolean     not null default false,
    created_at        timestamptz not null,
    updated_at        timestamptz not null,
    check ((cron is null) <> (interval_seconds is null))
);
create index schedules_project on schedules (project_id, created_at);

-- A project's own settings; a project without a row has the defaults (simulator.retention.days).
create table project_settings (
    project_id      text primary key,
    retention_days  integer     not null,
    updated_at      timestamptz not null
);

-- The daily cleanup looks for runs past their project's retention by age.
create index runs_created_at on runs (created_at);
