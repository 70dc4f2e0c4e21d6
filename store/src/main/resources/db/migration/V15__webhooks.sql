-- Webhooks: HTTPS URLs of a project told when one of its batches finishes. The signing secret is
-- stored sealed (enc:v1:...), as agents' headers and models' keys are.
create table webhooks (
    id           uuid primary key,
    project_id   text        not null,
    url          text        not null,
    events       text[]      not null,
    description  text,
    secret       text        not null,
    created_at   timestamptz not null
);
create index webhooks_project on webhooks (project_id, created_at);

-- One delivery per webhook and batch: the body is fixed when the batch finishes, so every attempt
-- sends the same bytes under the same signature. No reference to the batch: a delivery is a record
-- of what was sent, and outlives a deleted batch. Deleting the webhook deletes its deliveries, and
-- a delivery still being retried then stops.
create table webhook_deliveries (
    id               uuid primary key,
    webhook_id       uuid        not null references webhooks (id) on delete cascade,
    batch_id         uuid        not null,
    event            text        not null,
    payload          text        not null,
    status           text        not null,
    attempts         integer     not null default 0,
    last_status_code integer,
    last_error       text,
    created_at       timestamptz not null,
    last_attempt_at  timestamptz,
    delivered_at     timestamptz,
    unique (webhook_id, batch_id)
);
create index webhook_deliveries_webhook on webhook_deliveries (webhook_id, created_at);
