-- Invariants the database keeps itself: updated_at, the stock ledger, append-only tables.

-- updated_at is maintained by the database on every table that has it.
CREATE FUNCTION platform.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$;
--> statement-breakpoint
DO $$
DECLARE r record;
BEGIN
  FOR r IN
    SELECT c.table_schema, c.table_name FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.column_name = 'updated_at' AND t.table_type = 'BASE TABLE'
      AND c.table_schema IN ('catalog','inventory','customers','suppliers','sales','auth','platform')
  LOOP
    EXECUTE format('CREATE TRIGGER touch_updated_at BEFORE UPDATE ON %I.%I FOR EACH ROW EXECUTE FUNCTION platform.touch_updated_at()', r.table_schema, r.table_name);
  END LOOP;
END $$;
--> statement-breakpoint
-- Append-only tables refuse UPDATE and DELETE (and TRUNCATE).
CREATE FUNCTION platform.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON platform.audit_log
  FOR EACH ROW EXECUTE FUNCTION platform.refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON platform.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION platform.refuse_change();
--> statement-breakpoint
CREATE TRIGGER stock_movements_append_only BEFORE UPDATE OR DELETE ON inventory.stock_movements
  FOR EACH ROW EXECUTE FUNCTION platform.refuse_change();
--> statement-breakpoint
CREATE TRIGGER stock_movements_no_truncate BEFORE TRUNCATE ON inventory.stock_movements
  FOR EACH STATEMENT EXECUTE FUNCTION platform.refuse_change();
--> statement-breakpoint
-- The ledger is the only writer of on_hand: each movement adds its quantity to the stock level
-- (creating it at the first movement), so SUM(movements) = on_hand always holds.
CREATE FUNCTION inventory.apply_stock_movement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('inventory.ledger_write', 'on', true);
  -- UPDATE first: an INSERT ... ON CONFLICT would check the proposed (negative) row first.
  LOOP
    UPDATE inventory.stock_levels SET on_hand = on_hand + NEW.quantity
      WHERE product_id = NEW.product_id AND warehouse_id = NEW.warehouse_id;
    EXIT WHEN FOUND;
    BEGIN
      INSERT INTO inventory.stock_levels (product_id, warehouse_id, on_hand)
        VALUES (NEW.product_id, NEW.warehouse_id, NEW.quantity);
      EXIT;
    EXCEPTION WHEN unique_violation THEN
      -- created by a concurrent movement meanwhile: update it on the next turn
    END;
  END LOOP;
  PERFORM set_config('inventory.ledger_write', 'off', true);
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER stock_movements_apply AFTER INSERT ON inventory.stock_movements
  FOR EACH ROW EXECUTE FUNCTION inventory.apply_stock_movement();
--> statement-breakpoint
CREATE FUNCTION inventory.guard_on_hand() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('inventory.ledger_write', true), 'off') <> 'on' THEN
    IF TG_OP = 'INSERT' AND NEW.on_hand <> 0 THEN
      RAISE EXCEPTION 'stock_levels.on_hand is written by the stock movement ledger only (product %, warehouse %)', NEW.product_id, NEW.warehouse_id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_levels_on_hand_from_ledger';
    ELSIF TG_OP = 'UPDATE' AND NEW.on_hand IS DISTINCT FROM OLD.on_hand THEN
      RAISE EXCEPTION 'stock_levels.on_hand is written by the stock movement ledger only (product %, warehouse %)', NEW.product_id, NEW.warehouse_id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_levels_on_hand_from_ledger';
    END IF;
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER stock_levels_guard_on_hand BEFORE INSERT OR UPDATE ON inventory.stock_levels
  FOR EACH ROW EXECUTE FUNCTION inventory.guard_on_hand();
--> statement-breakpoint
CREATE TRIGGER stock_levels_no_delete BEFORE DELETE ON inventory.stock_levels
  FOR EACH ROW EXECUTE FUNCTION platform.refuse_change();
