ALTER TABLE "auth"."users" ADD COLUMN "disabled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "auth"."users" ADD COLUMN "session_version" integer DEFAULT 0 NOT NULL;
