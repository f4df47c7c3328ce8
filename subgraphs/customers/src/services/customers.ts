import {
  CONTACT_DATA_ROLES,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type Role,
  type Tx,
} from '@erp/kit';
import {
  keysetPage,
  likePattern,
  mutate,
  type MutationSpec,
  pageSize,
  parseId,
  requiredText,
  qualifiedColumns,
  listPage,
  type RowInputService,
} from '@erp/kit/graphql';
import type { CustomersContext } from '../context';
import { CONTACT_COLUMNS, CUSTOMER_COLUMNS, type ContactRow, type CustomerRow } from '../rows';
import { resolveCity } from './geography';
import * as v from './validate';

type Spec = Omit<MutationSpec, 'name' | 'payload'>;

/** Sortable fields: the column, its SQL type (for the cursor comparison) and the row key. Nothing else enters the SQL. */
const SORTS = {
  NAME: { column: 'name', type: 'text', key: 'name' },
  CODE: { column: 'code', type: 'text', key: 'code' },
  CREATED_AT: { column: 'created_at', type: 'timestamptz', key: 'createdAt' },
  UPDATED_AT: { column: 'updated_at', type: 'timestamptz', key: 'updatedAt' },
} as const;
type SortField = keyof typeof SORTS;

export interface CustomerListArgs {
  first?: number | null;
  after?: string | null;
  filter?: {
    search?: string | null;
    segment?: string | null;
    status?: string | null;
    countryCode?: string | null;
    regionId?: string | null;
    cityId?: string | null;
    salesRepId?: string | null;
    updatedFrom?: Date | string | null;
  } | null;
  orderBy?: { field: SortField; direction?: 'ASC' | 'DESC' | null } | null;
}

export const seesContactData = (ctx: CustomersContext) =>
  ctx.identity.role === 'SERVICE' || CONTACT_DATA_ROLES.includes(ctx.identity.role as Role);

/**
 * A page of customers. A SALES user gets only their own (the scope is ANDed with any filter).
 * Every value is a bound parameter; only whitelisted column names enter the SQL. The cursor holds
 * the sort value as PostgreSQL prints it (timestamps to the microsecond) and the id, so pages
 * neither repeat nor skip rows, ties included.
 */
export async function listCustomers(ctx: CustomersContext, args: CustomerListArgs) {
  const limit = pageSize(args.first, ctx.identity);
  const field: SortField = args.orderBy?.field ?? 'NAME';
  const sort = SORTS[field];
  if (!sort) throw new ValidationError('orderBy.field', field, 'unknown sort field');
  const desc = args.orderBy?.direction === 'DESC';
  const where: string[] = [];
  const params: unknown[] = [];
  const f = args.filter ?? {};
  if (ctx.salesRepScope !== null) where.push(`c.sales_rep_id = $${params.push(ctx.salesRepScope)}`);
  if (f.search != null && f.search.trim() !== '') {
    const n = params.push(likePattern(f.search));
    // Roles that may not see contact data may not probe it through the search either.
    where.push(
      seesContactData(ctx)
        ? `(c.name ILIKE $${n} OR c.code ILIKE $${n} OR c.email ILIKE $${n})`
        : `(c.name ILIKE $${n} OR c.code ILIKE $${n})`,
    );
  }
  if (f.segment != null) where.push(`c.segment = $${params.push(v.segment('filter.segment', f.segment))}`);
  if (f.status != null) where.push(`c.status = $${params.push(v.status('filter.status', f.status))}`);
  if (f.countryCode != null) {
    where.push(`c.city_id IN (SELECT ci.id FROM customers.cities ci JOIN customers.regions r ON r.id = ci.region_id
      WHERE r.country_code = $${params.push(v.countryCode('filter.countryCode', f.countryCode))})`);
  }
  if (f.regionId != null) {
    where.push(
      `c.city_id IN (SELECT ci.id FROM customers.cities ci WHERE ci.region_id = $${params.push(parseId('filter.regionId', f.regionId))})`,
    );
  }
  if (f.cityId != null) where.push(`c.city_id = $${params.push(parseId('filter.cityId', f.cityId))}`);
  if (f.salesRepId != null)
    where.push(`c.sales_rep_id = $${params.push(parseId('filter.salesRepId', f.salesRepId))}`);
  return keysetPage<CustomerRow>(ctx.pool, {
    table: 'customers.customers',
    alias: 'c',
    columns: qualifiedColumns(CUSTOMER_COLUMNS, 'c'),
    where,
    params,
    sortExpr: `c.${sort.column}`,
    desc,
    sortCast: `::${sort.type}`,
    idCast: '::int',
    ...listPage(args, limit, ctx.loaders.customer),
  });
}

/**
 * One customer by id or code. None the caller may see (missing, or another rep's for a SALES
 * user) is the same NOT_FOUND either way, so the answer never confirms that a customer exists.
 */
export async function getCustomer(
  ctx: CustomersContext,
  args: { id?: unknown; code?: unknown },
): Promise<CustomerRow> {
  if (args.id == null && args.code == null) throw new ValidationError('id', null, 'give id or code');
  let row: CustomerRow | null = null;
  if (args.id != null) {
    row = await ctx.loaders.customer.load(parseId('id', args.id));
    if (row && args.code != null && row.code !== args.code) row = null;
  } else {
    const code = requiredText('code', args.code, 40);
    const { rows } = await ctx.pool.query<CustomerRow>(
      `SELECT ${CUSTOMER_COLUMNS} FROM customers.customers WHERE code = $1 AND ($2::int IS NULL OR sales_rep_id = $2)`,
      [code, ctx.salesRepScope],
    );
    row = rows[0] ?? null;
    if (row) ctx.loaders.customer.prime(row.id, row);
  }
  if (!row) throw new NotFoundError('Customer', args.id ?? args.code);
  return row;
}

/** Locks a customer the caller may change; another rep's customer is NOT_FOUND to a SALES user. */
async function lockCustomer(ctx: CustomersContext, tx: Tx, id: number): Promise<CustomerRow> {
  const { rows } = await tx.query<CustomerRow>(
    `SELECT ${CUSTOMER_COLUMNS} FROM customers.customers WHERE id = $1 FOR UPDATE`,
    [id],
  );
  const row = rows[0];
  if (!row || (ctx.salesRepScope !== null && row.salesRepId !== ctx.salesRepScope))
    throw new NotFoundError('Customer', id);
  return row;
}

/** A unique violation of the customers table as a CONFLICT naming the field; anything else goes on. */
function conflictOf(
  err: unknown,
  values: { code?: string; email?: string | null },
  prefix = 'input',
): unknown {
  const e = err as { code?: string; constraint?: string };
  if (e.code !== '23505') return err;
  if (e.constraint === 'customers_code_unique')
    return new ConflictError(`Customer code "${values.code}" already exists`, { field: `${prefix}.code` });
  if (e.constraint === 'customers_email_unique')
    return new ConflictError(`E-mail "${values.email}" is already used by another customer`, {
      field: `${prefix}.email`,
    });
  return err;
}

/** Refuses an e-mail already used by another customer, whatever its case. */
async function assertEmailFree(tx: Tx, email: string | null | undefined, exceptId: number | null) {
  if (!email) return;
  const { rowCount } = await tx.query(
    `SELECT 1 FROM customers.customers WHERE lower(email) = lower($1) AND id IS DISTINCT FROM $2`,
    [email, exceptId],
  );
  if (rowCount)
    throw new ConflictError(`E-mail "${email}" is already used by another customer`, {
      field: 'input.email',
    });
}

/** A SALES user assigns only to themselves; other roles may assign to anyone. */
function salesRep(
  ctx: CustomersContext,
  field: string,
  requested: number | null | undefined,
): number | null | undefined {
  if (ctx.salesRepScope === null) return requested;
  if (requested !== undefined && requested !== ctx.salesRepScope) {
    throw new ForbiddenError(`${field}: a SALES user may assign customers to themselves only`);
  }
  return ctx.salesRepScope;
}

export function createCustomer(ctx: CustomersContext, input: Record<string, unknown>, spec: Spec) {
  const c = {
    code: requiredText('input.code', input.code, 40),
    name: requiredText('input.name', input.name),
    email: v.nullable(input.email, (x) => v.email('input.email', x)) ?? null,
    phone: v.nullable(input.phone, (x) => v.phone('input.phone', x)) ?? null,
    segment: v.segment('input.segment', input.segment ?? 'SMALL_BUSINESS'),
    status: v.status('input.status', input.status ?? 'ACTIVE'),
    salesRepId:
      salesRep(
        ctx,
        'input.salesRepId',
        input.salesRepId == null ? undefined : parseId('input.salesRepId', input.salesRepId),
      ) ?? null,
    geography: v.geography('input.geography', input.geography),
  };
  return mutate(ctx, { ...spec, name: 'createCustomer', payload: c }, async (tx, audit) => {
    await assertEmailFree(tx, c.email, null);
    const { cityId, created } = await resolveCity(tx, 'input.geography', c.geography);
    let row: CustomerRow;
    try {
      row = (
        await tx.query<CustomerRow>(
          `INSERT INTO customers.customers (code, name, email, phone, segment, status, city_id, sales_rep_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${CUSTOMER_COLUMNS}`,
          [c.code, c.name, c.email, c.phone, c.segment, c.status, cityId, c.salesRepId],
        )
      ).rows[0]!;
    } catch (err) {
      throw conflictOf(err, c);
    }
    await audit({
      entity: 'Customer',
      entityId: row.id,
      before: null,
      after: { ...row, geographyCreated: created },
    });
    return row;
  });
}

export const updateCustomer: RowInputService<CustomersContext, CustomerRow> = (ctx, id, input, spec) => {
  const p = {
    name: input.name == null ? undefined : requiredText('input.name', input.name),
    email: v.nullable(input.email, (x) => v.email('input.email', x)),
    phone: v.nullable(input.phone, (x) => v.phone('input.phone', x)),
    segment: input.segment == null ? undefined : v.segment('input.segment', input.segment),
    status: input.status == null ? undefined : v.status('input.status', input.status),
    salesRepId: v.nullable(input.salesRepId, (x) => parseId('input.salesRepId', x)),
    geography: input.geography == null ? undefined : v.geography('input.geography', input.geography),
  };
  if (ctx.salesRepScope !== null && p.salesRepId !== undefined && p.salesRepId !== ctx.salesRepScope) {
    throw new ForbiddenError('input.salesRepId: a SALES user may not hand a customer over to someone else');
  }
  return mutate(ctx, { ...spec, name: 'updateCustomer', payload: { id, ...p } }, async (tx, audit) => {
    const before = await lockCustomer(ctx, tx, id);
    await assertEmailFree(tx, p.email, id);
    const geo = p.geography ? await resolveCity(tx, 'input.geography', p.geography) : null;
    // $n IS NOT NULL (or the "given" flags) decide per column: absent keeps the value, null clears the nullable ones.
    let row: CustomerRow;
    try {
      row = (
        await tx.query<CustomerRow>(
          `UPDATE customers.customers SET
             name = coalesce($2, name),
             email = CASE WHEN $3 THEN $4 ELSE email END,
             phone = CASE WHEN $5 THEN $6 ELSE phone END,
             segment = coalesce($7::customers.customer_segment, segment),
             status = coalesce($8::customers.customer_status, status),
             sales_rep_id = CASE WHEN $9 THEN $10::int ELSE sales_rep_id END,
             city_id = coalesce($11, city_id)
           WHERE id = $1 RETURNING ${CUSTOMER_COLUMNS}`,
          [
            id,
            p.name ?? null,
            p.email !== undefined,
            p.email ?? null,
            p.phone !== undefined,
            p.phone ?? null,
            p.segment ?? null,
            p.status ?? null,
            p.salesRepId !== undefined,
            p.salesRepId ?? null,
            geo?.cityId ?? null,
          ],
        )
      ).rows[0]!;
    } catch (err) {
      throw conflictOf(err, { code: before.code, email: p.email });
    }
    await audit({
      entity: 'Customer',
      entityId: id,
      before,
      after: geo?.created.length ? { ...row, geographyCreated: geo.created } : row,
    });
    ctx.loaders.customer.clear(id);
    return row;
  });
};

export function addCustomerContact(
  ctx: CustomersContext,
  customerId: number,
  input: Record<string, unknown>,
  spec: Spec,
) {
  const c = {
    name: requiredText('input.name', input.name),
    email: v.nullable(input.email, (x) => v.email('input.email', x)) ?? null,
    phone: v.nullable(input.phone, (x) => v.phone('input.phone', x)) ?? null,
    jobTitle: input.jobTitle == null ? null : requiredText('input.jobTitle', input.jobTitle, 100),
    isPrimary: input.isPrimary === true,
  };
  return mutate(
    ctx,
    { ...spec, name: 'addCustomerContact', payload: { customerId, ...c } },
    async (tx, audit) => {
      await lockCustomer(ctx, tx, customerId);
      if (c.isPrimary) {
        const demoted = await tx.query<ContactRow>(
          `UPDATE customers.contacts SET is_primary = false WHERE customer_id = $1 AND is_primary RETURNING ${CONTACT_COLUMNS}`,
          [customerId],
        );
        for (const d of demoted.rows)
          await audit({
            entity: 'CustomerContact',
            entityId: d.id,
            before: { ...d, isPrimary: true },
            after: d,
          });
      }
      const row = (
        await tx.query<ContactRow>(
          `INSERT INTO customers.contacts (customer_id, name, email, phone, job_title, is_primary) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING ${CONTACT_COLUMNS}`,
          [customerId, c.name, c.email, c.phone, c.jobTitle, c.isPrimary],
        )
      ).rows[0]!;
      await audit({ entity: 'CustomerContact', entityId: row.id, before: null, after: row });
      ctx.loaders.contactsOf.clear(customerId);
      return row;
    },
  );
}

export const MAX_SEGMENT_ASSIGNMENTS = 10_000;

/**
 * Writes analytic segments back (the mining run): analytic_segment and analytic_segment_at = now()
 * for every listed customer whose segment changed, in one transaction with one audit row. Unknown
 * ids and unchanged segments are skipped (so a mining run that finds the same segments changes
 * nothing, and the next ETL has nothing to reload); the result is the number of customers updated.
 * A customer listed twice gets its last entry.
 */
export function assignCustomerSegments(ctx: CustomersContext, assignments: unknown, spec: Spec) {
  if (!Array.isArray(assignments)) throw new ValidationError('assignments', assignments, 'must be a list');
  if (assignments.length > MAX_SEGMENT_ASSIGNMENTS) {
    throw new ValidationError(
      'assignments',
      `${assignments.length} entries`,
      `at most ${MAX_SEGMENT_ASSIGNMENTS} per call`,
    );
  }
  const bySegment = new Map<number, string>();
  assignments.forEach((a: Record<string, unknown>, i) => {
    const id = parseId(`assignments[${i}].customerId`, a?.customerId);
    bySegment.set(id, requiredText(`assignments[${i}].segment`, a?.segment, 100));
  });
  const ids = [...bySegment.keys()].sort((a, b) => a - b);
  const segments = ids.map((id) => bySegment.get(id)!);
  return mutate(
    ctx,
    { ...spec, name: 'assignCustomerSegments', payload: { ids, segments } },
    async (tx, audit) => {
      if (!ids.length) return 0;
      // Locks in id order, so concurrent calls cannot deadlock each other.
      await tx.query(`SELECT 1 FROM customers.customers WHERE id = ANY($1) ORDER BY id FOR UPDATE`, [ids]);
      const { rowCount } = await tx.query(
        `UPDATE customers.customers c SET analytic_segment = a.segment, analytic_segment_at = now()
       FROM unnest($1::int[], $2::text[]) AS a(id, segment)
       WHERE c.id = a.id AND c.analytic_segment IS DISTINCT FROM a.segment`,
        [ids, segments],
      );
      const updated = rowCount ?? 0;
      await audit({
        entity: 'Customer',
        entityId: null,
        before: null,
        after: { updated, assignments: ids.map((id, i) => ({ customerId: id, segment: segments[i] })) },
      });
      return updated;
    },
  );
}
