import { EtlWarehousesDocument, type EtlWarehousesQuery } from '@erp/sdk';
import { checksum, upsertDimension } from '../load';
import { stagedEntity } from './spec';

type WarehouseNode = EtlWarehousesQuery['warehouses'][number];
export const warehouses = stagedEntity<WarehouseNode>({
  name: 'warehouses',
  tables: ['staging.warehouses', 'dw.dim_warehouse'],
  watermark: false,
  async fetch(api) {
    const r = await api.query(EtlWarehousesDocument, {}, 'warehouses');
    return { nodes: r.warehouses, endCursor: null, hasNextPage: false };
  },
  staging: {
    table: 'warehouses',
    keyCol: 'warehouse_id',
    checksum: (w) => checksum([w.code, w.name, w.city, w.countryCode]),
  },
  async loadChanged(tx, todo, ctx, counts) {
    counts.written += await upsertDimension(
      tx,
      {
        table: 'dim_warehouse',
        idCol: 'warehouse_id',
        types: { code: 'text', name: 'text', city: 'text', country_code: 'text' },
        inferable: true,
      },
      todo.map((w) => ({
        warehouse_id: Number(w.id),
        code: w.code,
        name: w.name,
        city: w.city,
        country_code: w.countryCode,
      })),
    );
  },
});
