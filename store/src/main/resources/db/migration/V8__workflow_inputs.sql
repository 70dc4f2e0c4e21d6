-- What a batch's workflow was started with: a batch whose workflow was lost with an in-process
-- Temporal server is started again from it, where its runs left off.
alter table batches add column workflow_input jsonb;
