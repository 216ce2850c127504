-- Web tiers keep signed-in accounts in memory (server/auth/account_cache.ts) instead of reading them on every
-- request. Any change to a user or tenant row — logout, password or role change, deactivation, theme, made by any
-- instance, the CLI or plain SQL — is announced on channel sluice_accounts so every cache drops it at once.
CREATE FUNCTION sluice_notify_account_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('sluice_accounts', TG_TABLE_NAME || ':' || OLD.id);
  RETURN NULL;
END
$$;

CREATE TRIGGER users_account_change AFTER UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION sluice_notify_account_change();
CREATE TRIGGER tenants_account_change AFTER UPDATE OR DELETE ON tenants
  FOR EACH ROW EXECUTE FUNCTION sluice_notify_account_change();
