ALTER TABLE "inventory"."stock_reservations" ADD COLUMN "order_id" integer;--> statement-breakpoint
CREATE INDEX "stock_reservations_active_order_idx" ON "inventory"."stock_reservations" USING btree ("order_id") WHERE "inventory"."stock_reservations"."status" = 'ACTIVE';--> statement-breakpoint
-- Reservations made before they carried their order: the order is the one with that number.
UPDATE "inventory"."stock_reservations" r SET "order_id" = o."id" FROM "sales"."orders" o WHERE o."number" = r."reference" AND r."order_id" IS NULL;
