-- Free key/value labels of a batch (a git commit, a branch), to find its batches again.
alter table batches add column labels jsonb not null default '{}'::jsonb;
create index batches_labels on batches using gin (labels jsonb_path_ops);
