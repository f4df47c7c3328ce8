import { ValidationError } from '@erp/kit';
import type { Tx } from '@erp/kit/db/tx';
import { parseId, positiveInt } from '@erp/kit/graphql';
import type { SalesContext } from '../context';
import { LINE_SELECT, type OrderLineRow } from '../rows';

// The lines of an order being written: parsed, priced from the catalog, taxed and inserted.

interface LineInput {
  productId: number;
  quantity: number;
  /** null: the catalog's list price, looked up when the order is written. */
  unitPrice: string | null;
  discount: string;
  /** null: the default (the product's category rate, else the customer's country standard rate). */
  taxRate: string | null;
}

function price(field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^\d{1,10}(\.\d{1,2})?$/.test(value.trim())) {
    throw new ValidationError(field, value, 'must be a decimal number ≥ 0 with at most 2 decimals');
  }
  return value.trim();
}

function fraction(field: string, value: unknown): string {
  if (value === null || value === undefined) return '0';
  if (typeof value !== 'string' || !/^(0(\.\d{1,4})?|1(\.0{1,4})?)$/.test(value.trim())) {
    throw new ValidationError(
      field,
      value,
      'must be a fraction between 0 and 1 with at most 4 decimals (0.2 = 20 %)',
    );
  }
  return value.trim();
}

export function parseLines(raw: unknown, field = 'input.lines'): LineInput[] {
  if (!Array.isArray(raw) || raw.length === 0)
    throw new ValidationError(field, raw, 'needs at least one line');
  if (raw.length > 500) throw new ValidationError(field, raw.length, 'at most 500 lines');
  return raw.map((l: Record<string, unknown>, i) => ({
    productId: parseId(`${field}[${i}].productId`, l.productId),
    quantity: positiveInt(`${field}[${i}].quantity`, l.quantity),
    unitPrice: l.unitPrice == null ? null : price(`${field}[${i}].unitPrice`, l.unitPrice),
    discount: fraction(`${field}[${i}].discount`, l.discount),
    taxRate: l.taxRate == null ? null : fraction(`${field}[${i}].taxRate`, l.taxRate),
  }));
}

/**
 * Checks every line's product against the catalog (it must exist and be ACTIVE: a DISCONTINUED
 * product is not sold any more) and fills the missing unit prices with its list price; one call
 * for all the lines.
 */
export async function priced(
  ctx: SalesContext,
  lines: LineInput[],
  field: string,
): Promise<(LineInput & { unitPrice: string })[]> {
  const products = await ctx.inventory.products(
    ctx.identity,
    lines.map((l) => l.productId),
  );
  return lines.map((l, i) => {
    const product = products.get(l.productId);
    if (!product)
      throw new ValidationError(
        `${field}[${i}].productId`,
        String(l.productId),
        'no such product in the catalog',
      );
    if (product.status !== 'ACTIVE')
      throw new ValidationError(
        `${field}[${i}].productId`,
        String(l.productId),
        `the product is ${product.status.toLowerCase()}: it cannot be ordered`,
      );
    return {
      ...l,
      unitPrice: l.unitPrice ?? product.listPrice,
      taxRate: l.taxRate ?? product.taxRate ?? null,
    };
  });
}

/** The country whose standard rate applies when a customer's country has no row of its own: the seller's. */
const HOME_COUNTRY = 'FR';

/**
 * Fills the tax rate of the lines that still have none (neither given nor set on the product's
 * category) with the standard rate of the customer's country (sales.country_tax_rates), or the
 * seller's home country's when that country has no row. Never 0 % by omission.
 */
export async function taxed<L extends { taxRate: string | null }>(
  db: Pick<Tx, 'query'>,
  lines: L[],
  countryCode: string | null | undefined,
): Promise<(L & { taxRate: string })[]> {
  if (lines.every((l) => l.taxRate !== null)) return lines as (L & { taxRate: string })[];
  const { rows } = await db.query<{ rate: string }>(
    `SELECT coalesce((SELECT standard_rate FROM sales.country_tax_rates WHERE country_code = $1),
                     (SELECT standard_rate FROM sales.country_tax_rates WHERE country_code = $2))::text AS rate`,
    [countryCode ?? null, HOME_COUNTRY],
  );
  const rate = rows[0]?.rate;
  if (rate == null)
    throw new Error(`sales.country_tax_rates has no row for ${HOME_COUNTRY}, the default country`);
  return lines.map((l) => ({ ...l, taxRate: l.taxRate ?? rate }));
}

export async function insertLines(
  tx: Tx,
  orderId: number,
  lines: (LineInput & { unitPrice: string; taxRate: string })[],
): Promise<void> {
  await tx.query(
    `INSERT INTO sales.order_lines (order_id, line_no, product_id, quantity, unit_price, discount, tax_rate)
     SELECT $1, l.ord::int, l.product_id, l.quantity, l.unit_price, l.discount, l.tax_rate
     FROM unnest($2::int[], $3::int[], $4::numeric[], $5::numeric[], $6::numeric[]) WITH ORDINALITY
       AS l(product_id, quantity, unit_price, discount, tax_rate, ord)`,
    [
      orderId,
      lines.map((l) => l.productId),
      lines.map((l) => l.quantity),
      lines.map((l) => l.unitPrice),
      lines.map((l) => l.discount),
      lines.map((l) => l.taxRate),
    ],
  );
}

export async function linesIn(tx: Tx, orderId: number): Promise<OrderLineRow[]> {
  return (await tx.query<OrderLineRow>(`${LINE_SELECT} WHERE l.order_id = $1 ORDER BY l.line_no`, [orderId]))
    .rows;
}
