import type { Tx } from '@erp/kit';
import { upsertDimension } from '../load';

/** A city of the API (customers' geography or an order's ship-to) as a dim_geography row. */
export function placeOf(city: {
  id: string;
  name: string;
  region: { id: string; name: string; country: { code: string; name: string } };
}): Place {
  return {
    city_id: Number(city.id),
    city: city.name,
    region_id: Number(city.region.id),
    region: city.region.name,
    country_code: city.region.country.code,
    country_name: city.region.country.name,
  };
}

interface Place {
  city_id: number;
  city: string;
  region_id: number;
  region: string;
  country_code: string;
  country_name: string;
}

/** dim_geography (type 1, one row per OLTP city): the places of customers and of ship-to addresses. */
export function upsertGeography(tx: Tx, places: Place[]): Promise<number> {
  return upsertDimension(
    tx,
    {
      table: 'dim_geography',
      idCol: 'city_id',
      types: {
        city: 'text',
        region_id: 'integer',
        region: 'text',
        country_code: 'text',
        country_name: 'text',
      },
    },
    places,
  );
}
