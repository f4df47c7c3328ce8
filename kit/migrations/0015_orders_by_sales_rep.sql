-- A sales rep's order list is a keyset page on (ordered_at, id) of their own orders: with the rep
-- alone in the index, a rep with few or only old orders made the page walk the whole table by date.
DROP INDEX "sales"."orders_sales_rep_idx";--> statement-breakpoint
CREATE INDEX "orders_sales_rep_idx" ON "sales"."orders" USING btree ("sales_rep_id","ordered_at","id");
