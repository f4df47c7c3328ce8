import { NotFoundError } from '@erp/kit';
import { optionalId, parseId, scalarResolvers } from '@erp/kit/graphql';
import type { CatalogContext } from '../context';
import type { CategoryRow, ProductRow, ReservationRow, StockLevelRow, StockMovementRow } from '../rows';
import * as categories from '../services/categories';
import * as products from '../services/products';
import * as stock from '../services/stock';
import * as warehouses from '../services/warehouses';

type Args = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Ctx = CatalogContext;

const must = <T>(entity: string, id: unknown) => (row: T | null): T => {
  if (!row) throw new NotFoundError(entity, id);
  return row;
};

/** Thin resolvers: parse arguments, call a service or a loader, return. */
export const resolvers = {
  ...scalarResolvers,
  Query: {
    categories: (_: unknown, a: Args, ctx: Ctx) => categories.listCategories(ctx, optionalId('parentId', a.parentId)),
    category: (_: unknown, a: Args, ctx: Ctx) => ctx.loaders.category.load(parseId('id', a.id)),
    products: (_: unknown, a: Args, ctx: Ctx) => products.listProducts(ctx, a),
    product: async (_: unknown, a: Args, ctx: Ctx) => {
      if (a.id) return ctx.loaders.product.load(parseId('id', a.id));
      if (a.sku) {
        const { rows } = await ctx.pool.query<{ id: number }>('SELECT id FROM catalog.products WHERE sku = $1', [a.sku]);
        return rows[0] ? ctx.loaders.product.load(rows[0].id) : null;
      }
      return null;
    },
    warehouses: (_: unknown, _a: Args, ctx: Ctx) => warehouses.listWarehouses(ctx),
    warehouse: (_: unknown, a: Args, ctx: Ctx) => ctx.loaders.warehouse.load(parseId('id', a.id)),
    stockLevels: (_: unknown, a: Args, ctx: Ctx) => stock.listStockLevels(ctx, a),
    stockMovements: (_: unknown, a: Args, ctx: Ctx) => stock.listStockMovements(ctx, a),
    stockTotals: (_: unknown, _a: Args, ctx: Ctx) => warehouses.stockTotals(ctx),
    orderStockHolds: (_: unknown, a: Args, ctx: Ctx) => stock.orderStockHolds(ctx, a),
  },
  Mutation: {
    createCategory: (_: unknown, a: Args, ctx: Ctx) => categories.createCategory(ctx, a.input, a),
    updateCategory: (_: unknown, a: Args, ctx: Ctx) => categories.updateCategory(ctx, parseId('id', a.id), a.input, a),
    createProduct: (_: unknown, a: Args, ctx: Ctx) => products.createProduct(ctx, a.input, a),
    updateProduct: (_: unknown, a: Args, ctx: Ctx) => products.updateProduct(ctx, parseId('id', a.id), a.input, a),
    createWarehouse: (_: unknown, a: Args, ctx: Ctx) => warehouses.createWarehouse(ctx, a.input, a),
    updateWarehouse: (_: unknown, a: Args, ctx: Ctx) => warehouses.updateWarehouse(ctx, parseId('id', a.id), a.input, a),
    setReorderPoint: (_: unknown, a: Args, ctx: Ctx) => stock.setReorderPoint(ctx, a as never, a),
    recordReceipt: (_: unknown, a: Args, ctx: Ctx) => stock.recordReceipt(ctx, a.input, a),
    recordAdjustment: (_: unknown, a: Args, ctx: Ctx) => stock.recordAdjustment(ctx, a.input, a),
    transferStock: (_: unknown, a: Args, ctx: Ctx) => stock.transferStock(ctx, a.input, a),
    // internal: the sales service's identity only (matrix), one order at a time
    reserveOrderStock: (_: unknown, a: Args, ctx: Ctx) => stock.reserveOrderStock(ctx, a.input),
    releaseOrderStock: (_: unknown, a: Args, ctx: Ctx) => stock.releaseOrderStock(ctx, a.orderId),
    shipOrderStock: (_: unknown, a: Args, ctx: Ctx) => stock.shipOrderStock(ctx, a.orderId),
    undoOrderShipment: (_: unknown, a: Args, ctx: Ctx) => stock.undoOrderShipment(ctx, a.orderId),
  },
  Category: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.category.load(parseId('id', ref.id)),
    parent: (c: CategoryRow, _a: Args, ctx: Ctx) => (c.parentId ? ctx.loaders.category.load(c.parentId) : null),
    children: (c: CategoryRow, _a: Args, ctx: Ctx) => ctx.loaders.childrenOf.load(c.id),
  },
  Product: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.product.load(parseId('id', ref.id)),
    category: (p: ProductRow, _a: Args, ctx: Ctx) => ctx.loaders.category.load(p.categoryId).then(must('Category', p.categoryId)),
    stock: (p: ProductRow, _a: Args, ctx: Ctx) => ctx.loaders.stockOfProduct.load(p.id),
    // Loaded with the product (one statement for a whole batch); a row from elsewhere (a list page) sums its stock levels.
    totalOnHand: (p: ProductRow, _a: Args, ctx: Ctx) =>
      p.totalOnHand ?? ctx.loaders.stockOfProduct.load(p.id).then((levels) => levels.reduce((s, l) => s + l.onHand, 0)),
    totalAvailable: (p: ProductRow, _a: Args, ctx: Ctx) =>
      p.totalAvailable ?? ctx.loaders.stockOfProduct.load(p.id).then((levels) => levels.reduce((s, l) => s + l.onHand - l.reserved, 0)),
  },
  Warehouse: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.warehouse.load(parseId('id', ref.id)),
  },
  StockLevel: {
    product: (s: StockLevelRow, _a: Args, ctx: Ctx) => ctx.loaders.product.load(s.productId).then(must('Product', s.productId)),
    warehouse: (s: StockLevelRow, _a: Args, ctx: Ctx) => ctx.loaders.warehouse.load(s.warehouseId).then(must('Warehouse', s.warehouseId)),
    available: (s: StockLevelRow) => s.onHand - s.reserved,
    isLow: (s: StockLevelRow) => s.onHand - s.reserved <= s.reorderPoint,
  },
  StockMovement: {
    product: (m: StockMovementRow, _a: Args, ctx: Ctx) => ctx.loaders.product.load(m.productId).then(must('Product', m.productId)),
    warehouse: (m: StockMovementRow, _a: Args, ctx: Ctx) => ctx.loaders.warehouse.load(m.warehouseId).then(must('Warehouse', m.warehouseId)),
  },
  StockReservation: {
    product: (r: ReservationRow, _a: Args, ctx: Ctx) => ctx.loaders.product.load(r.productId).then(must('Product', r.productId)),
    warehouse: (r: ReservationRow, _a: Args, ctx: Ctx) => ctx.loaders.warehouse.load(r.warehouseId).then(must('Warehouse', r.warehouseId)),
  },
};
