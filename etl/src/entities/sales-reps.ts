import { EtlSalesRepsDocument, type EtlSalesRepsQuery } from '@erp/sdk';
import { checksum, upsertDimension } from '../load';
import { stagedEntity } from './spec';

type SalesRepNode = EtlSalesRepsQuery['salesReps'][number];
/** The people sales are attributed to (names only): dim_sales_rep, type 1. */
export const salesReps = stagedEntity<SalesRepNode>({
  name: 'salesReps',
  watermark: false,
  tables: ['staging.sales_reps', 'dw.dim_sales_rep'],
  async fetch(api) {
    const r = await api.query(EtlSalesRepsDocument, {}, 'sales reps');
    return { nodes: r.salesReps, endCursor: null, hasNextPage: false };
  },
  staging: { table: 'sales_reps', keyCol: 'sales_rep_id', checksum: (u) => checksum([u.name]) },
  async loadChanged(tx, todo, ctx, counts) {
    counts.written += await upsertDimension(
      tx,
      { table: 'dim_sales_rep', idCol: 'sales_rep_id', types: { name: 'text' } },
      todo.map((u) => ({ sales_rep_id: Number(u.id), name: u.name })),
    );
  },
});
