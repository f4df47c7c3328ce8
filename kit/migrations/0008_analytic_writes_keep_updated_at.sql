-- Columns named as arguments of the touch_updated_at trigger are analytic annotations (the segments
-- mining writes back), not a change of the record: an update of only those keeps updated_at, so
-- change feeds by updated_at (the ETL) do not reload the rows for them.
CREATE OR REPLACE FUNCTION platform.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_NARGS > 0 AND (to_jsonb(NEW) - TG_ARGV - 'updated_at') = (to_jsonb(OLD) - TG_ARGV - 'updated_at') THEN
    NEW.updated_at := OLD.updated_at;
  ELSE
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
DROP TRIGGER touch_updated_at ON customers.customers;
--> statement-breakpoint
CREATE TRIGGER touch_updated_at BEFORE UPDATE ON customers.customers FOR EACH ROW
  EXECUTE FUNCTION platform.touch_updated_at('analytic_segment', 'analytic_segment_at');
