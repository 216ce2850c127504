-- Web tiers keep each tenant's job cards and home page in memory (server/cache/tenant_views.ts) instead of reading
-- and rendering them on every request. Any change to what a card shows — a job, its integration, a run or a stage's
-- progress, made by any instance, the engine, the CLI or plain SQL — is announced on channel sluice_job_views with
-- the tenant id, so every cache drops that tenant's entries at once. (Identical notifications of one transaction are
-- delivered once, so a batch touching many rows costs one message.)
CREATE FUNCTION sluice_notify_job_view_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('sluice_job_views', OLD.tenant_id::text);
  ELSE
    PERFORM pg_notify('sluice_job_views', NEW.tenant_id::text);
    IF TG_OP = 'UPDATE' AND OLD.tenant_id <> NEW.tenant_id THEN
      PERFORM pg_notify('sluice_job_views', OLD.tenant_id::text);
    END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER etl_jobs_view_change AFTER INSERT OR UPDATE OR DELETE ON etl_jobs
  FOR EACH ROW EXECUTE FUNCTION sluice_notify_job_view_change();
CREATE TRIGGER etl_runs_view_change AFTER INSERT OR UPDATE OR DELETE ON etl_runs
  FOR EACH ROW EXECUTE FUNCTION sluice_notify_job_view_change();
CREATE TRIGGER etl_run_stages_view_change AFTER INSERT OR UPDATE OR DELETE ON etl_run_stages
  FOR EACH ROW EXECUTE FUNCTION sluice_notify_job_view_change();
CREATE TRIGGER integrations_view_change AFTER INSERT OR UPDATE OR DELETE ON integrations
  FOR EACH ROW EXECUTE FUNCTION sluice_notify_job_view_change();
