-- Source requests of a run, counted BEFORE each is sent (engine/request_journal.ts): one autocommitted upsert per
-- request, so a process killed while its request is in flight has already recorded it. A row of its own rather
-- than etl_runs.requests_made, so the per-request commit never waits on (or holds) the run row's lock, which page
-- commits and lifecycle transitions take. The run's commits copy `sent` into etl_runs.requests_made, which stays
-- the column every reader uses.
CREATE TABLE etl_run_requests (
  run_id bigint PRIMARY KEY REFERENCES etl_runs(id) ON DELETE CASCADE,
  sent bigint NOT NULL
);
