import { NotFoundError } from '@erp/kit';
import { parseId, scalarResolvers } from '@erp/kit/graphql';
import type { Resolvers } from '../generated/resolvers';
import * as evaluations from '../services/evaluations';
import * as suppliers from '../services/suppliers';
import * as supplies from '../services/supplies';

const must = <T>(entity: string, id: unknown) => (row: T | null): T => {
  if (!row) throw new NotFoundError(entity, id);
  return row;
};

/** Thin resolvers: parse arguments, call a service or a loader, return; typed from schema.graphql (src/generated). */
export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: {
    suppliers: (_, a, ctx) => suppliers.listSuppliers(ctx, a),
    supplier: (_, a, ctx) => suppliers.getSupplier(ctx, a),
  },
  Mutation: {
    createSupplier: (_, a, ctx) => suppliers.createSupplier(ctx, a.input, a),
    updateSupplier: (_, a, ctx) => suppliers.updateSupplier(ctx, parseId('id', a.id), a.input, a),
    addSupplierContact: (_, a, ctx) => suppliers.addSupplierContact(ctx, parseId('supplierId', a.supplierId), a.input, a),
    upsertProductSupply: (_, a, ctx) => supplies.upsertProductSupply(ctx, a.input, a),
    recordSupplierEvaluation: (_, a, ctx) => evaluations.recordSupplierEvaluation(ctx, a.input, a),
  },
  Supplier: {
    __resolveReference: (ref, ctx) => ctx.loaders.supplier.load(parseId('id', ref.id)),
    contacts: (s, _a, ctx) => ctx.loaders.contactsBySupplier.load(s.id),
    supplies: (s, _a, ctx) => ctx.loaders.suppliesBySupplier.load(s.id),
    evaluations: async (s, a, ctx) => evaluations.filterEvaluations(await ctx.loaders.evaluationsBySupplier.load(s.id), a.from, a.to),
    scorecard: async (s, a, ctx) => evaluations.computeScorecard(await ctx.loaders.evaluationsBySupplier.load(s.id), a.months),
  },
  Product: {
    /** The catalog owns products: this subgraph only knows their id. */
    __resolveReference: (ref) => ({ id: ref.id }),
    suppliers: (p, _a, ctx) => ctx.loaders.suppliesByProduct.load(parseId('id', p.id)),
    preferredSupplier: async (p, _a, ctx) =>
      (await ctx.loaders.suppliesByProduct.load(parseId('id', p.id))).find((s) => s.isPreferred) ?? null,
  },
  ProductSupply: {
    supplier: (s, _a, ctx) => ctx.loaders.supplier.load(s.supplierId).then(must('Supplier', s.supplierId)),
    product: (s) => ({ __typename: 'Product', id: String(s.productId) }),
  },
  SupplierEvaluation: {
    onTimeRate: (e) => evaluations.onTimeRateOf(e),
    qualityScore: (e) => Number(e.qualityScore),
    priceScore: (e) => Number(e.priceScore),
  },
};
