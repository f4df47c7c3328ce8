DROP INDEX "sales"."orders_customer_idx";--> statement-breakpoint
DROP INDEX "sales"."orders_ordered_at_idx";--> statement-breakpoint
CREATE INDEX "products_name_idx" ON "catalog"."products" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "products_list_price_idx" ON "catalog"."products" USING btree ("list_price","id");--> statement-breakpoint
CREATE INDEX "customers_name_idx" ON "customers"."customers" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "customers_created_idx" ON "customers"."customers" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "suppliers_name_idx" ON "suppliers"."suppliers" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "orders_customer_idx" ON "sales"."orders" USING btree ("customer_id","ordered_at","id");--> statement-breakpoint
CREATE INDEX "orders_ordered_at_idx" ON "sales"."orders" USING btree ("ordered_at","id");