import { EtlCustomersDocument, type EtlCustomersQuery } from '@erp/sdk';
import { applyScd2, checksum, repointFacts } from '../load';
import { placeOf, upsertGeography } from './geography';
import { keysetPages, int, stagedEntity } from './spec';

type CustomerNode = EtlCustomersQuery['customers']['edges'][number]['node'];
export const customers = stagedEntity<CustomerNode>({
  name: 'customers',
  tables: ['staging.customers', 'dw.dim_geography', 'dw.dim_customer', 'dw.fact_sales'],
  watermark: true,
  ...keysetPages(EtlCustomersDocument, 'customers', (r) => r.customers),
  staging: { table: 'customers', keyCol: 'customer_id', checksum: customerChecksum },
  async loadChanged(tx, todo, ctx, counts) {
    const cities = new Map(todo.map((c) => [Number(c.geography.city.id), placeOf(c.geography.city)]));
    counts.written += await upsertGeography(tx, [...cities.values()]);
    const keys = await tx.query<{ city_id: number; geography_key: number }>(
      'SELECT city_id, geography_key FROM dw.dim_geography WHERE city_id = ANY($1::int[])',
      [[...cities.keys()]],
    );
    const geoKey = new Map(keys.rows.map((r) => [r.city_id, r.geography_key]));

    const scd = await applyScd2(
      tx,
      {
        table: 'dim_customer',
        keyCol: 'customer_key',
        idCol: 'customer_id',
        types: {
          segment: 'text',
          status: 'text',
          city_id: 'integer',
          analytic_segment: 'text',
          geography_key: 'integer',
          code: 'text',
          name: 'text',
          is_guest: 'boolean',
          sales_rep_id: 'integer',
        },
        type2: ['segment', 'status', 'city_id'],
        type1: ['code', 'name', 'is_guest', 'sales_rep_id'],
        // The analytic segment is mining's (kept per run in the mining schema): the ERP's copy is
        // carried as of the customer's last business change and never opens a version by itself.
        carried: ['geography_key', 'analytic_segment'],
      },
      todo.map((c) => ({
        customer_id: Number(c.id),
        segment: c.segment,
        status: c.status,
        city_id: Number(c.geography.city.id),
        analytic_segment: c.analyticSegment,
        geography_key: geoKey.get(Number(c.geography.city.id)) ?? -1,
        code: c.code,
        name: c.name,
        is_guest: c.isGuest,
        sales_rep_id: int(c.salesRepId),
        changed_at: c.updatedAt,
      })),
    );
    counts.written += scd.written;
    counts.written += await repointFacts(tx, scd, REPOINT_SALES);
  },
});

/** Facts dated in a new version's validity now point at it (and its place when shipped to the customer's own); facts on a filled inferred member get its place. */
const REPOINT_SALES = {
  newVersions: `UPDATE dw.fact_sales f SET customer_key = n.customer_key,
                  geography_key = CASE WHEN f.ship_to_city_id IS NULL THEN n.geography_key ELSE f.geography_key END
                FROM dw.dim_customer o, dw.dim_customer n
                WHERE f.customer_key = o.customer_key AND o.customer_id = n.customer_id AND n.customer_key = ANY($1::int[])
                  AND f.ordered_at >= n.valid_from AND f.ordered_at < n.valid_to AND f.customer_key <> n.customer_key`,
  filled: `UPDATE dw.fact_sales f SET geography_key = c.geography_key FROM dw.dim_customer c
            WHERE f.customer_key = c.customer_key AND c.customer_key = ANY($1::int[]) AND f.geography_key <> c.geography_key
              AND f.ship_to_city_id IS NULL`,
};

/** What identifies a customer's content: its attributes and its place (the analytic segment is mining's, left out). */
function customerChecksum(c: CustomerNode): string {
  const city = c.geography.city;
  return checksum([
    c.code,
    c.name,
    c.segment,
    c.status,
    c.isGuest,
    c.salesRepId,
    city.id,
    city.name,
    city.region.id,
    city.region.name,
    city.region.country.code,
    city.region.country.name,
  ]);
}
