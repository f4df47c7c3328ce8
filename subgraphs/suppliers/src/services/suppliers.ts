import { ConflictError, NotFoundError, ValidationError } from '@erp/kit';
import {
  keysetPage,
  likePattern,
  mutate,
  type MutationSpec,
  pageSize,
  parseId,
  requiredText,
  sortOrder,
  qualifiedColumns,
  listPage,
  type RowInputService,
} from '@erp/kit/graphql';
import type { SuppliersContext } from '../context';
import { SUPPLIER_STATUSES } from '../db/schema/constants';
import { CONTACT_COLUMNS, SUPPLIER_COLUMNS, type ContactRow, type SupplierRow } from '../rows';

type Spec = Omit<MutationSpec, 'name' | 'payload'>;

const SORT_COLUMNS = { NAME: 'name', CODE: 'code', UPDATED_AT: 'updated_at' } as const;
type SortField = keyof typeof SORT_COLUMNS;

export interface SupplierListArgs {
  first?: number | null;
  after?: string | null;
  filter?: {
    search?: string | null;
    status?: string | null;
    countryCode?: string | null;
    updatedFrom?: Date | string | null;
  } | null;
  orderBy?: { field: SortField; direction?: 'ASC' | 'DESC' | null } | null;
}

/** Same rule as the customers' e-mail check in the database. */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function status(field: string, value: unknown): string {
  if (typeof value !== 'string' || !(SUPPLIER_STATUSES as readonly string[]).includes(value))
    throw new ValidationError(field, value, 'unknown status');
  return value;
}

export function countryCode(field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z]{2}$/.test(value.trim())) {
    throw new ValidationError(field, value, 'must be an ISO 3166-1 alpha-2 country code (2 letters)');
  }
  return value.trim().toUpperCase();
}

/** An optional text: null/empty → null, else trimmed and at most `max` characters. */
function optionalText(field: string, value: unknown, max = 200): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new ValidationError(field, value, 'must be text');
  const v = value.trim();
  if (v.length > max) throw new ValidationError(field, value, `must be at most ${max} characters`);
  return v === '' ? null : v;
}

export function optionalEmail(field: string, value: unknown): string | null {
  const v = optionalText(field, value, 254);
  if (v !== null && !EMAIL.test(v)) throw new ValidationError(field, value, 'is not an e-mail address');
  return v;
}

function isCodeConflict(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return e.code === '23505' && e.constraint === 'suppliers_code_unique';
}

/** A page of suppliers. Every value is a bound parameter; only whitelisted column names enter the SQL. */
export async function listSuppliers(ctx: SuppliersContext, args: SupplierListArgs) {
  const limit = pageSize(args.first, ctx.identity);
  const { column, desc } = sortOrder(args.orderBy, SORT_COLUMNS, { field: 'NAME', direction: 'ASC' });
  const where: string[] = [];
  const params: unknown[] = [];
  const f = args.filter ?? {};
  if (f.search) {
    params.push(likePattern(f.search));
    const n = params.length;
    where.push(`(s.name ILIKE $${n} OR s.code ILIKE $${n} OR s.email ILIKE $${n})`);
  }
  if (f.status) {
    params.push(status('filter.status', f.status));
    where.push(`s.status = $${params.length}`);
  }
  if (f.countryCode) {
    params.push(countryCode('filter.countryCode', f.countryCode));
    where.push(`s.country_code = $${params.length}`);
  }
  return keysetPage<SupplierRow>(ctx.pool, {
    table: 'suppliers.suppliers',
    alias: 's',
    columns: qualifiedColumns(SUPPLIER_COLUMNS, 's'),
    where,
    params,
    sortExpr: `s.${column}`,
    desc,
    ...listPage(args, limit, ctx.loaders.supplier),
  });
}

/** A supplier by id or by code (exactly one of them). */
export async function getSupplier(
  ctx: SuppliersContext,
  args: { id?: unknown; code?: unknown },
): Promise<SupplierRow | null> {
  if (args.id != null && args.code != null)
    throw new ValidationError('code', args.code, 'give either id or code, not both');
  if (args.id != null) return ctx.loaders.supplier.load(parseId('id', args.id));
  if (args.code != null) {
    const code = requiredText('code', args.code, 40);
    const { rows } = await ctx.pool.query<SupplierRow>(
      `SELECT ${SUPPLIER_COLUMNS} FROM suppliers.suppliers WHERE code = $1`,
      [code],
    );
    if (rows[0]) ctx.loaders.supplier.prime(rows[0].id, rows[0]);
    return rows[0] ?? null;
  }
  throw new ValidationError('id', null, 'give id or code');
}

export function createSupplier(ctx: SuppliersContext, input: Record<string, unknown>, spec: Spec) {
  const s = {
    code: requiredText('input.code', input.code, 40),
    name: requiredText('input.name', input.name),
    email: optionalEmail('input.email', input.email),
    phone: optionalText('input.phone', input.phone, 40),
    city: optionalText('input.city', input.city),
    countryCode: countryCode('input.countryCode', input.countryCode),
    status: status('input.status', input.status ?? 'ACTIVE'),
  };
  return mutate(ctx, { ...spec, name: 'createSupplier', payload: s }, async (tx, audit) => {
    const { rows } = await tx.query<SupplierRow>(
      `INSERT INTO suppliers.suppliers (code, name, email, phone, city, country_code, status) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (code) DO NOTHING RETURNING ${SUPPLIER_COLUMNS}`,
      [s.code, s.name, s.email, s.phone, s.city, s.countryCode, s.status],
    );
    if (!rows[0])
      throw new ConflictError(`input.code: supplier code "${s.code}" already exists`, {
        field: 'input.code',
      });
    await audit({ entity: 'Supplier', entityId: rows[0].id, before: null, after: rows[0] });
    return rows[0];
  });
}

/** Omitted fields are kept; null clears the optional ones (email, phone, city) and keeps the required ones. */
export const updateSupplier: RowInputService<SuppliersContext, SupplierRow> = (ctx, id, input, spec) => {
  const patch: Record<string, unknown> = {};
  if (input.code != null) patch.code = requiredText('input.code', input.code, 40);
  if (input.name != null) patch.name = requiredText('input.name', input.name);
  if (input.email !== undefined) patch.email = optionalEmail('input.email', input.email);
  if (input.phone !== undefined) patch.phone = optionalText('input.phone', input.phone, 40);
  if (input.city !== undefined) patch.city = optionalText('input.city', input.city);
  if (input.countryCode != null) patch.countryCode = countryCode('input.countryCode', input.countryCode);
  if (input.status != null) patch.status = status('input.status', input.status);
  // Whitelisted column names only; values are bound parameters.
  const COLUMNS: Record<string, string> = {
    code: 'code',
    name: 'name',
    email: 'email',
    phone: 'phone',
    city: 'city',
    countryCode: 'country_code',
    status: 'status',
  };
  return mutate(ctx, { ...spec, name: 'updateSupplier', payload: { id, ...patch } }, async (tx, audit) => {
    const before = (
      await tx.query<SupplierRow>(
        `SELECT ${SUPPLIER_COLUMNS} FROM suppliers.suppliers WHERE id = $1 FOR UPDATE`,
        [id],
      )
    ).rows[0];
    if (!before) throw new NotFoundError('Supplier', id);
    const keys = Object.keys(patch).filter((k) => COLUMNS[k]);
    let after = before;
    if (keys.length) {
      const sets = keys.map((k, i) => `${COLUMNS[k]} = $${i + 2}`).join(', ');
      try {
        after = (
          await tx.query<SupplierRow>(
            `UPDATE suppliers.suppliers SET ${sets} WHERE id = $1 RETURNING ${SUPPLIER_COLUMNS}`,
            [id, ...keys.map((k) => patch[k])],
          )
        ).rows[0]!;
      } catch (err) {
        if (isCodeConflict(err))
          throw new ConflictError(`input.code: supplier code "${String(patch.code)}" already exists`, {
            field: 'input.code',
          });
        throw err;
      }
    }
    await audit({ entity: 'Supplier', entityId: id, before, after });
    return after;
  });
};

export const addSupplierContact: RowInputService<SuppliersContext, ContactRow> = (
  ctx,
  supplierId,
  input,
  spec,
) => {
  const c = {
    supplierId,
    name: requiredText('input.name', input.name),
    email: optionalEmail('input.email', input.email),
    phone: optionalText('input.phone', input.phone, 40),
    jobTitle: optionalText('input.jobTitle', input.jobTitle),
  };
  return mutate(ctx, { ...spec, name: 'addSupplierContact', payload: c }, async (tx, audit) => {
    // FOR SHARE: the supplier cannot disappear before the contact is in.
    if (!(await tx.query('SELECT 1 FROM suppliers.suppliers WHERE id = $1 FOR SHARE', [supplierId])).rowCount)
      throw new NotFoundError('Supplier', supplierId);
    const { rows } = await tx.query<ContactRow>(
      `INSERT INTO suppliers.contacts (supplier_id, name, email, phone, job_title) VALUES ($1, $2, $3, $4, $5) RETURNING ${CONTACT_COLUMNS}`,
      [supplierId, c.name, c.email, c.phone, c.jobTitle],
    );
    await audit({ entity: 'SupplierContact', entityId: rows[0]!.id, before: null, after: rows[0] });
    return rows[0]!;
  });
};
