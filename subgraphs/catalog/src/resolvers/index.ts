import {
  optionalId,
  parseId,
  scalarResolvers,
  must,
  inputMutation,
  rowInputMutation,
} from '@erp/kit/graphql';
import type { Resolvers } from '../generated/resolvers';
import * as categories from '../services/categories';
import { stockMovementFeed } from '../services/feed';
import * as products from '../services/products';
import * as stock from '../services/stock';
import * as warehouses from '../services/warehouses';

/** Thin resolvers: parse arguments, call a service or a loader, return. */
export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: {
    stockDemand: (_, a, ctx) => stock.stockDemand(ctx, a),
    categories: (_, a, ctx) => categories.listCategories(ctx, optionalId('parentId', a.parentId)),
    category: (_, a, ctx) => ctx.loaders.category.load(parseId('id', a.id)),
    products: (_, a, ctx) => products.listProducts(ctx, a),
    product: async (_, a, ctx) => {
      if (a.id) return ctx.loaders.product.load(parseId('id', a.id));
      if (a.sku) {
        const { rows } = await ctx.pool.query<{ id: number }>(
          'SELECT id FROM catalog.products WHERE sku = $1',
          [a.sku],
        );
        return rows[0] ? ctx.loaders.product.load(rows[0].id) : null;
      }
      return null;
    },
    warehouses: (_, _a, ctx) => warehouses.listWarehouses(ctx),
    warehouse: (_, a, ctx) => ctx.loaders.warehouse.load(parseId('id', a.id)),
    stockLevels: (_, a, ctx) => stock.listStockLevels(ctx, a),
    stockMovements: (_, a, ctx) => stock.listStockMovements(ctx, a),
    stockTotals: (_, _a, ctx) => warehouses.stockTotals(ctx),
    stockMovementFeed: (_, a, ctx) => stockMovementFeed(ctx, a),
    orderStockHolds: (_, a, ctx) => stock.orderStockHolds(ctx, a),
  },
  Mutation: {
    createCategory: inputMutation(categories.createCategory),
    updateCategory: rowInputMutation(categories.updateCategory),
    createProduct: inputMutation(products.createProduct),
    updateProduct: rowInputMutation(products.updateProduct),
    createWarehouse: inputMutation(warehouses.createWarehouse),
    updateWarehouse: rowInputMutation(warehouses.updateWarehouse),
    setReorderPoint: (_, a, ctx) => stock.setReorderPoint(ctx, a, a),
    recordReceipt: inputMutation(stock.recordReceipt),
    recordAdjustment: inputMutation(stock.recordAdjustment),
    transferStock: inputMutation(stock.transferStock),
    // internal: the sales service's identity only (matrix), one order at a time
    reserveOrderStock: (_, a, ctx) => stock.reserveOrderStock(ctx, a.input),
    releaseOrderStock: (_, a, ctx) => stock.releaseOrderStock(ctx, a.orderId),
    shipOrderStock: (_, a, ctx) => stock.shipOrderStock(ctx, a.orderId),
    undoOrderShipment: (_, a, ctx) => stock.undoOrderShipment(ctx, a.orderId),
    receivePurchaseStock: (_, a, ctx) => stock.receivePurchaseStock(ctx, a.input),
    undoPurchaseStock: (_, a, ctx) => stock.undoPurchaseStock(ctx, a.input),
  },
  Category: {
    __resolveReference: (ref, ctx) => ctx.loaders.category.load(parseId('id', ref.id)),
    parent: (c, _a, ctx) => (c.parentId ? ctx.loaders.category.load(c.parentId) : null),
    children: (c, _a, ctx) => ctx.loaders.childrenOf.load(c.id),
    taxRate: (c) => c.taxRate,
  },
  Product: {
    __resolveReference: (ref, ctx) => ctx.loaders.product.load(parseId('id', ref.id)),
    category: (p, _a, ctx) => ctx.loaders.category.load(p.categoryId).then(must('Category', p.categoryId)),
    taxRate: (p, _a, ctx) => categories.categoryTaxRate(ctx, p.categoryId),
    stock: (p, _a, ctx) => ctx.loaders.stockOfProduct.load(p.id),
    // Loaded with the product (one statement for a whole batch); a row from elsewhere (a list page) sums its stock levels.
    totalOnHand: (p, _a, ctx) =>
      p.totalOnHand ??
      ctx.loaders.stockOfProduct.load(p.id).then((levels) => levels.reduce((s, l) => s + l.onHand, 0)),
    totalAvailable: (p, _a, ctx) =>
      p.totalAvailable ??
      ctx.loaders.stockOfProduct
        .load(p.id)
        .then((levels) => levels.reduce((s, l) => s + l.onHand - l.reserved, 0)),
  },
  Warehouse: {
    __resolveReference: (ref, ctx) => ctx.loaders.warehouse.load(parseId('id', ref.id)),
  },
  StockLevel: {
    product: (s, _a, ctx) => ctx.loaders.product.load(s.productId).then(must('Product', s.productId)),
    warehouse: (s, _a, ctx) =>
      ctx.loaders.warehouse.load(s.warehouseId).then(must('Warehouse', s.warehouseId)),
    available: (s) => s.onHand - s.reserved,
    isLow: (s) => s.onHand - s.reserved <= s.reorderPoint,
  },
  StockMovement: {
    product: (m, _a, ctx) => ctx.loaders.product.load(m.productId).then(must('Product', m.productId)),
    warehouse: (m, _a, ctx) =>
      ctx.loaders.warehouse.load(m.warehouseId).then(must('Warehouse', m.warehouseId)),
  },
  StockReservation: {
    product: (r, _a, ctx) => ctx.loaders.product.load(r.productId).then(must('Product', r.productId)),
    warehouse: (r, _a, ctx) =>
      ctx.loaders.warehouse.load(r.warehouseId).then(must('Warehouse', r.warehouseId)),
  },
};
