-- Sealing an agent's secrets (at start, or anew with a rotated key) rewrites its body without
-- changing the agent, and so records no revision: a change of the agent moves its updated_at.
drop trigger agent_revision on definitions;

create trigger agent_revision_created after insert on definitions
    for each row when (new.kind = 'AGENT') execute function record_agent_revision();

create trigger agent_revision_changed after update on definitions
    for each row when (new.kind = 'AGENT' and new.updated_at is distinct from old.updated_at)
    execute function record_agent_revision();
