ALTER TYPE "auth"."user_role" ADD VALUE 'ETL_SERVICE';--> statement-breakpoint
ALTER TYPE "auth"."user_role" ADD VALUE 'MINING_SERVICE';