-- 0012: TRUNCATE of the audit log is refused for everyone, the table owner included.
--
-- The row triggers of 0001 stop UPDATE and DELETE, and 0004 grants the application role no
-- TRUNCATE; but TRUNCATE fires no row triggers and ignores row-level security, so a login that
-- owns the table (the migration owner, or an app connected as it) could still empty it in one
-- statement. A statement-level BEFORE TRUNCATE trigger closes that: only dropping the trigger
-- (a schema change, itself visible) lets a TRUNCATE through.
CREATE FUNCTION audit_log_reject_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: TRUNCATE is refused' USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_reject_truncate();
