import { parseId, scalarResolvers, must, inputMutation, rowInputMutation } from '@erp/kit/graphql';
import type { Resolvers } from '../generated/resolvers';
import * as evaluations from '../services/evaluations';
import * as performance from '../services/performance';
import * as po from '../services/purchase-orders';
import * as receipts from '../services/receipts';
import * as suppliers from '../services/suppliers';
import * as supplies from '../services/supplies';

/** Sum of amounts already rounded to the cent, exact (integer cents, no floating-point drift). */
function centsSum(amounts: string[]): string {
  const cents = amounts.reduce(
    (s, a) =>
      s +
      BigInt(a.replace('.', '').replace(/^(-?)0+(?=\d)/, '$1')) *
        (a.includes('.') ? 10n ** BigInt(2 - a.split('.')[1]!.length) : 100n),
    0n,
  );
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** Thin resolvers: parse arguments, call a service or a loader, return; typed from schema.graphql (src/generated). */
export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: {
    suppliers: (_, a, ctx) => suppliers.listSuppliers(ctx, a),
    supplier: (_, a, ctx) => suppliers.getSupplier(ctx, a),
    purchaseOrders: (_, a, ctx) => po.listPurchaseOrders(ctx, a),
    purchaseOrder: (_, a, ctx) => po.getPurchaseOrder(ctx, a),
    purchaseReceipts: (_, a, ctx) => receipts.listReceipts(ctx, a),
    purchasingTotals: (_, _a, ctx) => performance.purchasingTotals(ctx),
    replenishmentSuggestions: (_, a, ctx) => performance.replenishmentSuggestions(ctx, a),
  },
  Mutation: {
    createSupplier: inputMutation(suppliers.createSupplier),
    updateSupplier: rowInputMutation(suppliers.updateSupplier),
    addSupplierContact: (_, a, ctx) =>
      suppliers.addSupplierContact(ctx, parseId('supplierId', a.supplierId), a.input, a),
    upsertProductSupply: inputMutation(supplies.upsertProductSupply),
    recordSupplierEvaluation: inputMutation(evaluations.recordSupplierEvaluation),
    createPurchaseOrder: inputMutation(po.createPurchaseOrder),
    updatePurchaseOrder: rowInputMutation(po.updatePurchaseOrder),
    sendPurchaseOrder: (_, a, ctx) => po.sendPurchaseOrder(ctx, parseId('id', a.id), a),
    cancelPurchaseOrder: (_, a, ctx) => po.cancelPurchaseOrder(ctx, parseId('id', a.id), a.reason, a),
    closePurchaseOrder: (_, a, ctx) => po.closePurchaseOrder(ctx, parseId('id', a.id), a.reason, a),
    receivePurchaseOrder: rowInputMutation(receipts.receivePurchaseOrder),
    createPurchaseOrderFromRecommendation: inputMutation(po.createPurchaseOrderFromRecommendation),
  },
  Supplier: {
    __resolveReference: (ref, ctx) => ctx.loaders.supplier.load(parseId('id', ref.id)),
    contacts: (s, _a, ctx) => ctx.loaders.contactsBySupplier.load(s.id),
    supplies: (s, _a, ctx) => ctx.loaders.suppliesBySupplier.load(s.id),
    evaluations: async (s, a, ctx) =>
      evaluations.filterEvaluations(await ctx.loaders.evaluationsBySupplier.load(s.id), a.from, a.to),
    scorecard: async (s, a, ctx) => {
      const [rows, measured] = await Promise.all([
        ctx.loaders.evaluationsBySupplier.load(s.id),
        ctx.loaders.receiptMonthsBySupplier.load(s.id),
      ]);
      return evaluations.computeScorecard(rows, a.months, new Date(), measured);
    },
    performance: (s, a, ctx) => performance.supplierPerformance(ctx, s.id, a),
    purchaseOrders: (s, a, ctx) => po.listPurchaseOrders(ctx, a, s.id),
  },
  Product: {
    /** The catalog owns products: this subgraph only knows their id. */
    __resolveReference: (ref) => ({ id: ref.id }),
    suppliers: (p, _a, ctx) => ctx.loaders.suppliesByProduct.load(parseId('id', p.id)),
    preferredSupplier: async (p, _a, ctx) =>
      (await ctx.loaders.suppliesByProduct.load(parseId('id', p.id))).find((s) => s.isPreferred) ?? null,
    unitsOnOrder: (p, _a, ctx) => ctx.loaders.unitsOnOrder.load(parseId('id', p.id)),
  },
  StockLevel: {
    /** The catalog owns stock levels: this subgraph answers their units on order, from its purchase orders. */
    __resolveReference: (ref) => ({
      productId: parseId('product.id', ref.product.id),
      warehouseId: parseId('warehouse.id', ref.warehouse.id),
    }),
    product: (s) => ({ id: String(s.productId) }),
    warehouse: (s) => ({ id: s.warehouseId }),
    onOrder: (s, _a, ctx) => ctx.loaders.unitsOnOrderAt.load(`${s.productId}:${s.warehouseId}`),
  },
  PurchaseOrder: {
    __resolveReference: (ref, ctx) => ctx.loaders.purchaseOrder.load(parseId('id', ref.id)),
    supplier: (o, _a, ctx) => ctx.loaders.supplier.load(o.supplierId).then(must('Supplier', o.supplierId)),
    warehouse: (o) => ({ id: o.warehouseId }),
    lines: (o, _a, ctx) => ctx.loaders.linesByOrder.load(o.id),
    receipts: (o, _a, ctx) => ctx.loaders.receiptsByOrder.load(o.id),
    statusHistory: (o, _a, ctx) => ctx.loaders.historyByOrder.load(o.id),
    totals: async (o, _a, ctx) => {
      const [lines, recs] = await Promise.all([
        ctx.loaders.linesByOrder.load(o.id),
        ctx.loaders.receiptsByOrder.load(o.id),
      ]);
      return {
        lines: lines.length,
        quantity: lines.reduce((s, l) => s + l.quantity, 0),
        receivedQuantity: lines.reduce((s, l) => s + l.receivedQuantity, 0),
        openQuantity: lines.reduce((s, l) => s + l.openQuantity, 0),
        amount: centsSum(lines.map((l) => l.amount)),
        receivedAmount: centsSum(recs.map((r) => r.amount)),
      };
    },
  },
  PurchaseOrderLine: {
    product: (l) => ({ id: String(l.productId) }),
    receipts: (l, _a, ctx) => ctx.loaders.receiptsByLine.load(l.id),
  },
  PurchaseReceipt: {
    purchaseOrder: (r, _a, ctx) =>
      ctx.loaders.purchaseOrder.load(r.purchaseOrderId).then(must('Purchase order', r.purchaseOrderId)),
    line: (r, _a, ctx) => ctx.loaders.line.load(r.lineId).then(must('Purchase order line', r.lineId)),
    product: (r) => ({ id: String(r.productId) }),
    supplier: (r, _a, ctx) => ctx.loaders.supplier.load(r.supplierId).then(must('Supplier', r.supplierId)),
    warehouse: (r) => ({ id: r.warehouseId }),
  },
  ReplenishmentSuggestion: {
    product: (r) => ({ id: String(r.productId) }),
    warehouse: (r) => ({ id: r.warehouseId }),
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
