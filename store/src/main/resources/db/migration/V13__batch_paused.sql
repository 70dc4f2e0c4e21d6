-- A running batch can be paused: no new run starts until it is resumed.
alter table batches add column paused boolean not null default false;
