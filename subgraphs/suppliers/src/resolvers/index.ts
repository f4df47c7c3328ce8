import { NotFoundError } from '@erp/kit';
import { parseId, scalarResolvers } from '@erp/kit/graphql';
import type { SuppliersContext } from '../context';
import type { EvaluationRow, SupplierRow, SupplyRow } from '../rows';
import * as evaluations from '../services/evaluations';
import * as suppliers from '../services/suppliers';
import * as supplies from '../services/supplies';

type Args = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Ctx = SuppliersContext;

const must = <T>(entity: string, id: unknown) => (row: T | null): T => {
  if (!row) throw new NotFoundError(entity, id);
  return row;
};

/** Thin resolvers: parse arguments, call a service or a loader, return. */
export const resolvers = {
  ...scalarResolvers,
  Query: {
    suppliers: (_: unknown, a: Args, ctx: Ctx) => suppliers.listSuppliers(ctx, a),
    supplier: (_: unknown, a: Args, ctx: Ctx) => suppliers.getSupplier(ctx, a),
  },
  Mutation: {
    createSupplier: (_: unknown, a: Args, ctx: Ctx) => suppliers.createSupplier(ctx, a.input, a),
    updateSupplier: (_: unknown, a: Args, ctx: Ctx) => suppliers.updateSupplier(ctx, parseId('id', a.id), a.input, a),
    addSupplierContact: (_: unknown, a: Args, ctx: Ctx) => suppliers.addSupplierContact(ctx, parseId('supplierId', a.supplierId), a.input, a),
    upsertProductSupply: (_: unknown, a: Args, ctx: Ctx) => supplies.upsertProductSupply(ctx, a.input, a),
    recordSupplierEvaluation: (_: unknown, a: Args, ctx: Ctx) => evaluations.recordSupplierEvaluation(ctx, a.input, a),
  },
  Supplier: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.supplier.load(parseId('id', ref.id)),
    contacts: (s: SupplierRow, _a: Args, ctx: Ctx) => ctx.loaders.contactsBySupplier.load(s.id),
    supplies: (s: SupplierRow, _a: Args, ctx: Ctx) => ctx.loaders.suppliesBySupplier.load(s.id),
    evaluations: async (s: SupplierRow, a: Args, ctx: Ctx) => evaluations.filterEvaluations(await ctx.loaders.evaluationsBySupplier.load(s.id), a.from, a.to),
    scorecard: async (s: SupplierRow, a: Args, ctx: Ctx) => evaluations.computeScorecard(await ctx.loaders.evaluationsBySupplier.load(s.id), a.months),
  },
  Product: {
    /** The catalog owns products: this subgraph only knows their id. */
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    suppliers: (p: { id: string }, _a: Args, ctx: Ctx) => ctx.loaders.suppliesByProduct.load(parseId('id', p.id)),
    preferredSupplier: async (p: { id: string }, _a: Args, ctx: Ctx) =>
      (await ctx.loaders.suppliesByProduct.load(parseId('id', p.id))).find((s) => s.isPreferred) ?? null,
  },
  ProductSupply: {
    supplier: (s: SupplyRow, _a: Args, ctx: Ctx) => ctx.loaders.supplier.load(s.supplierId).then(must('Supplier', s.supplierId)),
    product: (s: SupplyRow) => ({ __typename: 'Product', id: String(s.productId) }),
  },
  SupplierEvaluation: {
    onTimeRate: (e: EvaluationRow) => evaluations.onTimeRateOf(e),
    qualityScore: (e: EvaluationRow) => Number(e.qualityScore),
    priceScore: (e: EvaluationRow) => Number(e.priceScore),
  },
};
