-- The daily pipeline's ledger (automation schema): one row per run with its stages, and the cron
-- ticks already claimed, so that several schedulers on several machines start each tick once.
CREATE SCHEMA IF NOT EXISTS automation;
--> statement-breakpoint
CREATE TABLE automation.pipeline_runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  trigger text NOT NULL CHECK (trigger IN ('manual', 'schedule', 'catch-up', 'start')),
  tick timestamptz,
  status text NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'DEGRADED', 'FAILED')),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  -- [{ name, status: SUCCEEDED|FAILED|SKIPPED, reason, fingerprint, attempts, startedAt, finishedAt, result, error }]
  stages jsonb NOT NULL DEFAULT '[]',
  error text
);
--> statement-breakpoint
CREATE INDEX pipeline_runs_started_idx ON automation.pipeline_runs (started_at DESC);
--> statement-breakpoint
CREATE TABLE automation.ticks (
  tick timestamptz PRIMARY KEY,
  cron text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  claimed_by text NOT NULL,
  job_id text,
  catch_up boolean NOT NULL DEFAULT false
);
