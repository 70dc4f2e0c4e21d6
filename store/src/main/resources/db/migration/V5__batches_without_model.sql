-- A batch whose simulated user is another agent (Interactly's counter workflow) may need no model.
alter table batches alter column model_id drop not null;
