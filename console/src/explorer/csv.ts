import type { Cell, ResultSet } from './query';

/**
 * A text cell a spreadsheet would run as a formula (CSV injection: = + - @, tab, carriage return)
 * is prefixed with an apostrophe. Numbers are written as numbers (a negative amount stays a number).
 */
export function escapeFormula(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

export function csvCell(v: Cell | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : escapeFormula(String(v));
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV (CRLF), header row of column labels. */
export function toCsv(r: ResultSet): string {
  const lines = [r.columns.map((c) => csvCell(c.label)).join(',')];
  for (const row of r.rows) lines.push(r.columns.map((c) => csvCell(row[c.key])).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** Offers the CSV as a download (UTF-8 with a BOM so spreadsheets read accents right). */
export function downloadCsv(r: ResultSet, filename: string) {
  const blob = new Blob(['\uFEFF', toCsv(r)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
