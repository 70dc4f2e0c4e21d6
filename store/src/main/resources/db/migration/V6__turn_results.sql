-- What one party (the simulated user or the agent) said at one sequence of a run, stored in the
-- same transaction as its messages: a retried activity finds it and returns it instead of calling
-- the party again, and an attempt overtaken by its retry stores nothing beside it.
create table turn_results (
    run_id         uuid        not null references runs (id) on delete cascade,
    sequence       integer     not null,
    party          text        not null,
    next_sequence  integer     not null,
    ended          boolean     not null,
    wait_millis    bigint      not null,
    created_at     timestamptz not null,
    primary key (run_id, sequence, party)
);

-- Failed calls to a remote party for one turn. Only these count toward the retry limit, so that
-- our own failures (the database, Temporal, a throttle) never use up the agent's or model's attempts.
create table remote_failures (
    run_id    uuid    not null references runs (id) on delete cascade,
    sequence  integer not null,
    party     text    not null,
    failures  integer not null,
    primary key (run_id, sequence, party)
);

-- The run's settings as its batch scheduled them, so that turn activities take ids, not settings.
alter table runs add column settings jsonb;
