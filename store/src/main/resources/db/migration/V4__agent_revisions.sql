-- Every version of an agent, never changed afterwards, so a run can test the agent exactly as it was.
create table agent_revisions (
    id          uuid primary key,
    agent_id    uuid        not null references definitions (id) on delete cascade,
    number      integer     not null,
    body        jsonb       not null,
    created_at  timestamptz not null,
    unique (agent_id, number)
);

-- The agent revision a batch's runs test: the pinned one, or the agent's latest when it was scheduled.
alter table batches add column agent_revision_id uuid;

-- A trigger records the revision in the same transaction as the change, whoever writes the agent
-- (the API, the demo seeder). Updates of one agent are serialized by the row lock, so numbers do not collide.
create function record_agent_revision() returns trigger language plpgsql as $$
begin
  insert into agent_revisions (id, agent_id, number, body, created_at)
  values (gen_random_uuid(), new.id,
          coalesce((select max(r.number) from agent_revisions r where r.agent_id = new.id), 0) + 1,
          new.body, new.updated_at);
  return null;
end
$$;

create trigger agent_revision after insert or update on definitions
    for each row when (new.kind = 'AGENT') execute function record_agent_revision();

-- Agents stored before revisions existed: their current version is their first revision.
insert into agent_revisions (id, agent_id, number, body, created_at)
select gen_random_uuid(), id, 1, body, updated_at from definitions where kind = 'AGENT';
