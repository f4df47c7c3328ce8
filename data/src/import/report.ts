import type { ImportSummary } from './types';

const n = (x: number) => x.toLocaleString('en-US');

/** The human-readable report of an import: per file, per entity, the rules, the decisions, every issue. */
export function formatSummary(s: ImportSummary): string {
  const out: string[] = [];
  const title =
    s.status === 'committed'
      ? 'Import committed'
      : s.status === 'dry-run'
        ? 'Dry run (nothing written)'
        : 'Import FAILED — nothing was written';
  out.push(
    `${title}: mapping ${s.mapping}, ${s.dir}${s.runId ? ` (run ${s.runId})` : ''}, ${(s.durationMs / 1000).toFixed(1)} s`,
  );
  out.push('', 'Files:');
  for (const f of s.files)
    out.push(
      `  ${f.file.padEnd(34)} ${n(f.lines).padStart(10)} lines = ${n(f.imported)} imported + ${n(f.skipped)} skipped by rule`,
    );
  if (s.rules.length) {
    out.push('', 'Rules:');
    for (const r of s.rules)
      out.push(`  ${r.rule.padEnd(22)} ${r.action.padEnd(6)} ${n(r.count).padStart(10)}  ${r.description}`);
  }
  for (const sk of s.skipped.filter((x) => x.count > 0)) {
    out.push(
      '',
      `Skipped by rule ${sk.rule} (${n(sk.count)} lines of ${sk.file}${sk.count > sk.lines.length ? `, first ${sk.lines.length} listed` : ''}):`,
    );
    for (const l of sk.lines) out.push(`  line ${l.line}: ${l.summary}`);
  }
  if (Object.keys(s.facts).length) {
    out.push('', 'Mapping decisions:');
    for (const [k, v] of Object.entries(s.facts)) out.push(`  ${n(v).padStart(10)}  ${k}`);
  }
  if (Object.keys(s.entities).length) {
    out.push('', `Entities${s.status === 'dry-run' ? ' (what a real run would do)' : ''}:`);
    out.push(
      `  ${'entity'.padEnd(24)} ${'read'.padStart(10)} ${'inserted'.padStart(10)} ${'updated'.padStart(10)} ${'unchanged'.padStart(10)}`,
    );
    for (const [k, c] of Object.entries(s.entities))
      out.push(
        `  ${k.padEnd(24)} ${n(c.read).padStart(10)} ${n(c.inserted).padStart(10)} ${n(c.updated).padStart(10)} ${n(c.unchanged).padStart(10)}`,
      );
  }
  if (s.notes.length) {
    out.push('', 'Notes:');
    for (const note of s.notes) out.push(`  - ${note}`);
  }
  if (s.issues.length) {
    out.push('', `Problems (${n(s.issues.length + s.moreIssues)}):`);
    for (const i of s.issues)
      out.push(
        `  ${i.file}${i.line != null ? `:${i.line}` : ''}${i.column ? ` [${i.column}]` : ''}${i.value != null ? ` ${JSON.stringify(i.value)}` : ''}: ${i.reason}`,
      );
    if (s.moreIssues)
      out.push(`  … and ${n(s.moreIssues)} more (only the first ${n(s.issues.length)} are kept)`);
  }
  return out.join('\n');
}
