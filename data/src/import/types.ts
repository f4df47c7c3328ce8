import type pg from 'pg';

/** How one cell is read: the type, whether it may be empty, the values it may take. */
export type ColumnKind =
  | 'text'
  | 'int'
  | 'decimal'
  | 'bool'
  | 'date'
  /** ISO 8601 with an offset (`2025-03-14T09:12:00Z`). */
  | 'timestamptz'
  /** `YYYY-MM-DD HH:MM[:SS]` without an offset; the mapping says which time zone it is in. */
  | 'localtime'
  | 'enum';

export interface ColumnSpec {
  /** Column of the staging table (and, unless `from`/`value` say otherwise, of the source header). */
  name: string;
  kind: ColumnKind;
  required?: boolean;
  /** Used when the cell is empty. */
  default?: string;
  values?: readonly string[];
  min?: number;
  max?: number;
  /** Most decimals accepted (decimal kind). */
  scale?: number;
  lowercase?: boolean;
  email?: boolean;
  /** A later addition to the format: a file without this column reads it as empty (its default). */
  optionalInHeader?: boolean;
  /** Source header name when it differs from `name`. */
  from?: string;
  /** Value computed from the whole (raw, trimmed) source row instead of one source column. */
  value?: (row: Record<string, string>) => string | null;
  /** Value transform applied to the raw cell before validation. */
  transform?: (value: string, row: Record<string, string>) => string | null;
  /** Extra check of a valid, non-empty value: returns the reason it is refused, or null. */
  check?: (value: string) => string | null;
}

/** A row classification rule: the first rule whose `when` matches decides what happens to the row. */
export interface RowRule {
  name: string;
  description: string;
  /** skip: the row is not imported and is counted (and listed) under this rule; import: only counted. */
  action: 'skip' | 'import';
  when: (row: Record<string, string>) => boolean;
}

export interface SourceSpec {
  /** File name without `.csv` / `.csv.gz`; either is accepted. */
  file: string;
  /** Staging (temporary) table the rows are copied into. */
  table: string;
  /** A missing file is an error unless optional. */
  optional?: boolean;
  columns: ColumnSpec[];
  rules?: RowRule[];
}

export interface MappingContext {
  client: pg.PoolClient;
  /** Adds a line to the report's facts (counts of what the mapping decided). */
  fact(name: string, count: number): void;
  /** Adds an issue (the import aborts if there is one). */
  issue(issue: ImportIssue): void;
  /** Adds a sentence to the report's notes. */
  note(text: string): void;
}

/**
 * A declarative import mapping: which source files, how their columns map to our entities (the
 * canonical staging tables `stg_<entity>`, shaped like the native CSV files), value transforms, row
 * classification rules and natural keys. Sources whose table is a canonical one (`stg_*`) need no
 * transform; others are turned into canonical rows by `transform` (set-based SQL).
 */
export interface Mapping {
  name: string;
  description: string;
  /** The folder used when none is given (relative paths are resolved from the repo root). */
  defaultDir?: string;
  sources: SourceSpec[];
  /** SQL steps from the mapping's own staging tables into the canonical ones. */
  transform?: (ctx: MappingContext) => Promise<void>;
  /** Checks of the native format that only hold for data made for it (e.g. shipment movements). */
  strictConsistency?: boolean;
  /** Decisions worth stating in every report (assumed values, what is not imported). */
  notes?: string[];
}

export interface ImportIssue {
  file: string;
  line: number | null;
  column: string | null;
  value: string | null;
  reason: string;
}

export interface EntityCounts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface SkippedRule {
  rule: string;
  description: string;
  file: string;
  count: number;
  /** The first skipped lines (all of them when there are few). */
  lines: { line: number; summary: string }[];
}

export interface ImportSummary {
  mapping: string;
  dir: string;
  dryRun: boolean;
  status: 'committed' | 'dry-run' | 'failed';
  runId: number | null;
  files: { file: string; lines: number; imported: number; skipped: number }[];
  entities: Record<string, EntityCounts>;
  rules: { rule: string; description: string; file: string; action: 'skip' | 'import'; count: number }[];
  skipped: SkippedRule[];
  facts: Record<string, number>;
  notes: string[];
  issues: ImportIssue[];
  /** Issues beyond the ones kept in memory (there is a cap so a broken huge file stays readable). */
  moreIssues: number;
  durationMs: number;
}
