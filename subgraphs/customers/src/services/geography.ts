import { ConflictError, ValidationError, type Tx } from '@erp/kit';
import type { CustomersContext } from '../context';
import { COUNTRY_COLUMNS, type CountryRow } from '../rows';
import type { GeographyInput } from './validate';

export async function listCountries(ctx: CustomersContext): Promise<CountryRow[]> {
  const { rows } = await ctx.pool.query<CountryRow>(
    `SELECT ${COUNTRY_COLUMNS} FROM customers.countries ORDER BY name, code`,
  );
  for (const r of rows) ctx.loaders.country.prime(r.code, r);
  return rows;
}

/**
 * Finds or creates a named child (region of a country, city of a region): an exact or
 * case-insensitive match is reused; otherwise it is inserted, a concurrent insert of the same
 * name being picked up instead of failing (ON CONFLICT DO NOTHING, then read again).
 */
async function findOrCreate(
  tx: Tx,
  table: 'regions' | 'cities',
  parentColumn: 'country_code' | 'region_id',
  parent: string | number,
  name: string,
) {
  const find = () =>
    tx.query<{ id: number }>(
      `SELECT id FROM customers.${table} WHERE ${parentColumn} = $1 AND lower(name) = lower($2) ORDER BY (name = $2) DESC, id LIMIT 1`,
      [parent, name],
    );
  const found = (await find()).rows[0];
  if (found) return { id: found.id, created: false };
  const inserted = (
    await tx.query<{ id: number }>(
      `INSERT INTO customers.${table} (${parentColumn}, name) VALUES ($1, $2) ON CONFLICT (${parentColumn}, name) DO NOTHING RETURNING id`,
      [parent, name],
    )
  ).rows[0];
  if (inserted) return { id: inserted.id, created: true };
  return { id: (await find()).rows[0]!.id, created: false };
}

/**
 * The city id of a geography input: the country must exist, or is created when its name is given;
 * the region and the city are found or created under it. `field` names the input in errors.
 */
export async function resolveCity(
  tx: Tx,
  field: string,
  g: GeographyInput,
): Promise<{ cityId: number; created: string[] }> {
  const created: string[] = [];
  const country = (
    await tx.query<CountryRow>(`SELECT ${COUNTRY_COLUMNS} FROM customers.countries WHERE code = $1`, [
      g.countryCode,
    ])
  ).rows[0];
  if (!country) {
    if (!g.countryName) {
      throw new ValidationError(
        `${field}.countryCode`,
        g.countryCode,
        'no such country; give countryName to create it',
      );
    }
    const ins = await tx.query(
      `INSERT INTO customers.countries (code, name) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING code`,
      [g.countryCode, g.countryName],
    );
    if (!ins.rowCount) {
      // Either the code was created meanwhile (fine) or the name belongs to another code.
      const byName = (
        await tx.query<CountryRow>(`SELECT ${COUNTRY_COLUMNS} FROM customers.countries WHERE name = $1`, [
          g.countryName,
        ])
      ).rows[0];
      if (byName && byName.code !== g.countryCode) {
        throw new ConflictError(`Country name "${g.countryName}" already belongs to country ${byName.code}`, {
          field: `${field}.countryName`,
        });
      }
    } else created.push(`country ${g.countryCode}`);
  }
  const region = await findOrCreate(tx, 'regions', 'country_code', g.countryCode, g.region);
  if (region.created) created.push(`region ${g.region}`);
  const city = await findOrCreate(tx, 'cities', 'region_id', region.id, g.city);
  if (city.created) created.push(`city ${g.city}`);
  return { cityId: city.id, created };
}
