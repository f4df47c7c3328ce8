import { customers } from './customers';
import { orders } from './orders';
import { products } from './products';
import { purchaseOrders } from './purchase-orders';
import { salesReps } from './sales-reps';
import type { Entity, EntityName } from './spec';
import { stock } from './stock';
import { stockMovements } from './stock-movements';
import { suppliers } from './suppliers';
import { warehouses } from './warehouses';

export { ENTITY_NAMES, type EntityName, type LoadContext } from './spec';

export const ENTITIES: Record<EntityName, Entity> = {
  warehouses,
  salesReps,
  products,
  customers,
  suppliers,
  orders,
  stock,
  stockMovements,
  purchaseOrders,
};
