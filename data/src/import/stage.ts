import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { stepProgress, type ProgressOptions } from './progress';
import { copyText, parseCell, pgType } from './columns';
import type { ImportIssue, RowRule, SourceSpec } from './types';

export function resolveSourceFile(dir: string, file: string): string | undefined {
  for (const name of [file, `${file}.csv`, `${file}.csv.gz`]) {
    const p = path.join(dir, name);
    if (existsSync(p) && statSync(p).isFile() && /\.csv(\.gz)?$/.test(p)) return p;
  }
  return undefined;
}

export interface StageResult {
  file: string;
  lines: number;
  imported: number;
  skipped: number;
  rules: Map<string, { rule: RowRule; count: number; lines: { line: number; summary: string }[] }>;
}

export async function createStagingTable(client: pg.PoolClient, source: SourceSpec): Promise<void> {
  const cols = source.columns.map((c) => `"${c.name}" ${pgType(c)}`).join(', ');
  await client.query(
    `CREATE TEMP TABLE IF NOT EXISTS ${source.table} (_file text, _line int, ${cols}) ON COMMIT DROP`,
  );
}

const LISTED_PER_RULE = 50;

/**
 * Streams one CSV (or .csv.gz) file into its staging table with COPY: each row is classified by
 * the rules, each cell validated; a bad cell is recorded as an issue and copied as null, so all
 * problems of the file are found in one pass. Memory stays bounded (rows are never kept).
 */
export async function stageFile(
  client: pg.PoolClient,
  filePath: string,
  source: SourceSpec,
  onIssue: (issue: ImportIssue) => void,
  opts: { quiet?: boolean; progress?: ProgressOptions } = {},
): Promise<StageResult> {
  const fileName = path.basename(filePath);
  const result: StageResult = { file: fileName, lines: 0, imported: 0, skipped: 0, rules: new Map() };
  for (const rule of source.rules ?? []) result.rules.set(rule.name, { rule, count: 0, lines: [] });
  const total = statSync(filePath).size;
  // rows read so far; the share of the file's bytes read gives the ETA (of a .gz file too)
  const bar = opts.quiet ? undefined : stepProgress(`staging ${fileName}`, opts.progress);
  let bytes = 0;
  const input = createReadStream(filePath, { highWaterMark: 1 << 20 });
  input.on('data', (chunk) => {
    bytes += chunk.length;
    bar?.update(result.lines, total ? bytes / total : undefined);
  });
  let header: string[] | undefined;
  const needed = source.columns.filter((c) => !c.value && !c.optionalInHeader).map((c) => c.from ?? c.name);

  // COPY text is pushed in batches of rows: one stream chunk per row costs more than the row.
  let batch: string[] = [];
  const toCopy = new Transform({
    writableObjectMode: true,
    readableObjectMode: false,
    transform(chunk: { record: string[]; info: { lines: number } }, _enc, done) {
      const { record, info } = chunk;
      if (!header) {
        header = record.map((h) => h.trim().replace(/^\uFEFF/, ''));
        const missing = needed.filter((n) => !header!.includes(n));
        for (const m of missing)
          onIssue({
            file: fileName,
            line: 1,
            column: m,
            value: null,
            reason: 'column missing from the header',
          });
        return done();
      }
      result.lines++;
      const line = info.lines;
      const row: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) row[header[i]!] = record[i] ?? '';
      if (record.length !== header.length) {
        onIssue({
          file: fileName,
          line,
          column: null,
          value: record.join(',').slice(0, 80),
          reason: `${record.length} fields where the header has ${header.length}`,
        });
      }
      for (const r of source.rules ?? []) {
        if (!r.when(row)) continue;
        const entry = result.rules.get(r.name)!;
        entry.count++;
        if (r.action === 'skip') {
          if (entry.lines.length < LISTED_PER_RULE) entry.lines.push({ line, summary: record.join(',') });
          result.skipped++;
          return done();
        }
        break;
      }
      result.imported++;
      let out = `${copyText(fileName)}\t${line}`;
      for (const col of source.columns) {
        let raw: string | null = col.value ? col.value(row) : (row[col.from ?? col.name] ?? '');
        if (col.transform && raw !== null) raw = col.transform(raw, row);
        const cell = parseCell(col, raw);
        const refused = !cell.ok
          ? cell.reason
          : cell.value !== null && col.check
            ? col.check(cell.value)
            : null;
        if (refused || !cell.ok) {
          onIssue({
            file: fileName,
            line,
            column: col.from ?? col.name,
            value: raw,
            reason: refused ?? 'refused',
          });
          out += '\t\\N';
        } else out += `\t${copyText(cell.value)}`;
      }
      batch.push(out);
      if (batch.length >= 2000) {
        const chunk = `${batch.join('\n')}\n`;
        batch = [];
        return done(null, chunk);
      }
      done();
    },
    flush(done) {
      done(null, batch.length ? `${batch.join('\n')}\n` : undefined);
    },
  });

  const cols = ['_file', '_line', ...source.columns.map((c) => `"${c.name}"`)].join(', ');
  const copy = client.query(copyFrom(`COPY ${source.table} (${cols}) FROM STDIN`));
  const parser = parse({ info: true, relax_column_count: true, bom: true, skip_empty_lines: true });
  const streams: NodeJS.ReadWriteStream[] = filePath.endsWith('.gz')
    ? [createGunzip(), parser, toCopy]
    : [parser, toCopy];
  try {
    await pipeline(input, ...(streams as [NodeJS.ReadWriteStream]), copy);
  } catch (err) {
    bar?.done();
    const e = err as { code?: string; message: string; lines?: number };
    if (e.code && e.code.startsWith('CSV_')) {
      onIssue({
        file: fileName,
        line: e.lines ?? null,
        column: null,
        value: null,
        reason: `CSV syntax: ${e.message}`,
      });
      (err as { reported?: boolean }).reported = true;
    }
    throw err;
  }
  if (!header)
    onIssue({ file: fileName, line: 1, column: null, value: null, reason: 'empty file (no header line)' });
  bar?.done(result.lines);
  return result;
}
