-- Every call to an LLM made for a run: tokens, latency and cost, by the role it played.
create table llm_calls (
    id                 bigserial primary key,
    run_id             uuid        not null references runs (id) on delete cascade,
    role               text        not null,
    model_id           uuid        not null,
    prompt_tokens      integer,
    completion_tokens  integer,
    latency_ms         integer     not null,
    cost               numeric(18, 9),
    created_at         timestamptz not null
);
create index llm_calls_run on llm_calls (run_id);

-- How the simulated user was instructed, and how it ended the conversation.
alter table runs add column user_prompt_version text;
alter table runs add column user_end_signal text;
