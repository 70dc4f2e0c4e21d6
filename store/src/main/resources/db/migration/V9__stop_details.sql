-- Why a batch was ended for its workflow rather than by it: set when Temporal says the workflow
-- is gone or ended without recording how the batch ended.
alter table batches add column stop_detail text;
