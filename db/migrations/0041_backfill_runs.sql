-- Back-fill runs (issue #12): a run that asks the source for a few newly mapped fields only and loads nothing else.
-- Its parameters (which fields) travel with the run, so a resumed or taken-over run still knows them.
ALTER TABLE etl_runs ADD COLUMN params jsonb;
ALTER TABLE etl_runs DROP CONSTRAINT etl_runs_trigger_check;
ALTER TABLE etl_runs ADD CONSTRAINT etl_runs_trigger_check
  CHECK (trigger IN ('manual', 'schedule', 'recovery', 'retransform', 'resume', 'backfill'));
