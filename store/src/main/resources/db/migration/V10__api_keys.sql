-- API keys: a project's (project_id) or every project's (null). Only the SHA-256 of the secret is
-- kept; the secret is random, so a plain hash is as strong as it is. A revoked key stays, so that
-- it can be told apart from one that never existed, and so that a database which ever had a key
-- is not taken for a fresh one.
create table api_keys (
    id           uuid primary key,
    project_id   text,
    name         text        not null,
    scopes       text[]      not null,
    secret_hash  bytea       not null unique,
    expires_at   timestamptz,
    created_at   timestamptz not null,
    revoked_at   timestamptz
);
create index api_keys_project on api_keys (project_id, created_at);
