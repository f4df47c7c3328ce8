import type { ColumnSpec } from './types';

export type CellResult = { ok: true; value: string | null } | { ok: false; reason: string };

const INT = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMPTZ = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;
const LOCALTIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:\d{2}(\.\d+)?)?$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function validDate(y: string, m: string, d: string): boolean {
  const dt = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return (
    dt.getUTCFullYear() === Number(y) && dt.getUTCMonth() === Number(m) - 1 && dt.getUTCDate() === Number(d)
  );
}

/** The PostgreSQL type of a staging column. */
export function pgType(col: ColumnSpec): string {
  switch (col.kind) {
    case 'int':
      return 'bigint';
    case 'decimal':
      return 'numeric';
    case 'bool':
      return 'boolean';
    case 'date':
      return 'date';
    case 'timestamptz':
      return 'timestamptz';
    case 'localtime':
      return 'timestamp';
    default:
      return 'text';
  }
}

/** Validates and normalises one cell (empty = null); the value returned is PostgreSQL text input. */
export function parseCell(col: ColumnSpec, raw: string | null | undefined): CellResult {
  let v = raw == null ? '' : raw.trim();
  if (v === '' && col.default !== undefined) v = col.default;
  if (v === '')
    return col.required ? { ok: false, reason: 'required value is missing' } : { ok: true, value: null };
  switch (col.kind) {
    case 'text': {
      if (col.lowercase) v = v.toLowerCase();
      if (col.email && !EMAIL.test(v)) return { ok: false, reason: 'not an e-mail address' };
      return { ok: true, value: v };
    }
    case 'enum': {
      const values = col.values ?? [];
      if (!values.includes(v)) return { ok: false, reason: `not one of ${values.join(', ')}` };
      return { ok: true, value: v };
    }
    case 'int': {
      if (!INT.test(v)) return { ok: false, reason: 'not a whole number' };
      const n = Number(v);
      if (!Number.isSafeInteger(n) || Math.abs(n) > 2_147_483_647)
        return { ok: false, reason: 'number out of range' };
      return range(col, n, String(n));
    }
    case 'decimal': {
      if (!DECIMAL.test(v))
        return { ok: false, reason: 'not a decimal number (digits with a dot, e.g. 12.50)' };
      const decimals = v.includes('.') ? v.length - v.indexOf('.') - 1 : 0;
      if (col.scale !== undefined && decimals > col.scale)
        return { ok: false, reason: `more than ${col.scale} decimals` };
      if (v.replace(/^[+-]/, '').split('.')[0]!.replace(/^0+/, '').length > 10)
        return { ok: false, reason: 'number out of range' };
      return range(col, Number(v), v);
    }
    case 'bool': {
      const l = v.toLowerCase();
      if (l === 'true' || l === 't' || l === '1') return { ok: true, value: 'true' };
      if (l === 'false' || l === 'f' || l === '0') return { ok: true, value: 'false' };
      return { ok: false, reason: 'not a boolean (true or false)' };
    }
    case 'date': {
      const m = DATE.exec(v);
      if (!m || !validDate(m[1]!, m[2]!, m[3]!)) return { ok: false, reason: 'not a date (YYYY-MM-DD)' };
      return { ok: true, value: v };
    }
    case 'timestamptz': {
      const m = TIMESTAMPTZ.exec(v);
      if (
        !m ||
        !validDate(m[1]!, m[2]!, m[3]!) ||
        Number(m[4]) > 23 ||
        Number(m[5]) > 59 ||
        Number.isNaN(Date.parse(v.replace(' ', 'T')))
      )
        return { ok: false, reason: 'not an ISO 8601 time with an offset (e.g. 2025-03-14T09:12:00Z)' };
      return { ok: true, value: v };
    }
    case 'localtime': {
      const m = LOCALTIME.exec(v);
      if (!m || !validDate(m[1]!, m[2]!, m[3]!) || Number(m[4]) > 23 || Number(m[5]) > 59)
        return { ok: false, reason: 'not a time (YYYY-MM-DD HH:MM:SS)' };
      return { ok: true, value: v };
    }
  }
}

function range(col: ColumnSpec, n: number, value: string): CellResult {
  if (col.min !== undefined && n < col.min) return { ok: false, reason: `must be at least ${col.min}` };
  if (col.max !== undefined && n > col.max) return { ok: false, reason: `must be at most ${col.max}` };
  return { ok: true, value };
}

/** One value in PostgreSQL COPY text format. */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}
