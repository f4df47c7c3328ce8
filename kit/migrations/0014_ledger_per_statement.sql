-- The ledger applies a statement's movements to the stock levels once per statement, summed per
-- level, instead of once per row: a bulk load of the ledger (200k movements onto 2,000 levels)
-- otherwise updates each level hundreds of times in one transaction, every update walking the
-- row's growing chain of versions. SUM(movements) = on_hand still holds after every statement and
-- on_hand >= 0 is still checked on the level; a statement moves a level once, by its net quantity
-- (a bulk load checks its own running balances first: the import does).
DROP TRIGGER stock_movements_apply ON inventory.stock_movements;
--> statement-breakpoint
DROP FUNCTION inventory.apply_stock_movement();
--> statement-breakpoint
CREATE FUNCTION inventory.apply_stock_movements() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('inventory.ledger_write', 'on', true);
  -- A level is created at 0 by its first movement, so the update below is the only writer of on_hand
  -- (an INSERT ... ON CONFLICT would check a proposed negative row before the conflict).
  INSERT INTO inventory.stock_levels (product_id, warehouse_id, on_hand)
    SELECT DISTINCT product_id, warehouse_id, 0 FROM added ORDER BY 1, 2
    ON CONFLICT (product_id, warehouse_id) DO NOTHING;
  -- Levels locked in (product, warehouse) order: two statements never deadlock on each other's levels.
  PERFORM 1 FROM inventory.stock_levels s
    WHERE (s.product_id, s.warehouse_id) IN (SELECT product_id, warehouse_id FROM added)
    ORDER BY s.product_id, s.warehouse_id FOR UPDATE;
  UPDATE inventory.stock_levels s SET on_hand = s.on_hand + a.quantity
    FROM (SELECT product_id, warehouse_id, sum(quantity)::int AS quantity FROM added GROUP BY 1, 2) a
    WHERE s.product_id = a.product_id AND s.warehouse_id = a.warehouse_id AND a.quantity <> 0;
  PERFORM set_config('inventory.ledger_write', 'off', true);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stock_movements_apply AFTER INSERT ON inventory.stock_movements
  REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION inventory.apply_stock_movements();
