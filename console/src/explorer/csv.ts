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
  download(new Blob(['\uFEFF', toCsv(r)], { type: 'text/csv;charset=utf-8' }), filename);
}

/** The rows of an XLSX sheet: a bold header of labels, then numbers as numbers and text as text (never a formula). */
export function xlsxRows(r: ResultSet) {
  const header = r.columns.map((c) => ({ value: c.label, fontWeight: 'bold' as const }));
  const rows = r.rows.map((row) =>
    r.columns.map((c) => {
      const v = row[c.key];
      if (typeof v === 'number') return Number.isFinite(v) ? { value: v, type: Number } : null;
      return v === null || v === undefined ? null : { value: String(v), type: String };
    }),
  );
  return [header, ...rows];
}

/** Offers the result as an Excel workbook (the writer is loaded on the first export only). */
export async function downloadXlsx(r: ResultSet, filename: string) {
  const { default: writeExcelFile } = await import('write-excel-file/browser');
  const blob = await writeExcelFile(xlsxRows(r)).toBlob();
  download(blob, filename);
}

function download(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
