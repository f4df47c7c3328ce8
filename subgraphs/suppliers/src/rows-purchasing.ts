/** The SQL select lists of the purchasing rows (rows.ts holds their types). */

/** A purchase order; its expected date is the latest of its lines' (dates stay YYYY-MM-DD strings). */
export const PO_COLUMNS = `po.id, po.number, po.supplier_id AS "supplierId", po.warehouse_id AS "warehouseId", po.status, po.currency,
  po.ordered_at AS "orderedAt",
  coalesce((SELECT max(l.expected_date) FROM suppliers.purchase_order_lines l WHERE l.purchase_order_id = po.id), po.ordered_at::date)::text AS "expectedDate",
  po.sent_at AS "sentAt", po.received_at AS "receivedAt", po.cancelled_at AS "cancelledAt",
  po.source_recommendation_id AS "sourceRecommendationId", po.notes, po.created_at AS "createdAt", po.updated_at AS "updatedAt"`;

/** A line (joined with its order `po`): the open quantity is 0 once the order is closed or cancelled. */
export const LINE_COLUMNS = `l.id, l.purchase_order_id AS "purchaseOrderId", l.line_no AS "lineNo", l.product_id AS "productId", l.quantity,
  l.unit_cost::text AS "unitCost", round(l.quantity * l.unit_cost, 2)::text AS amount, l.expected_date::text AS "expectedDate",
  l.received_quantity AS "receivedQuantity",
  CASE WHEN po.status IN ('RECEIVED', 'CANCELLED') THEN 0 ELSE greatest(l.quantity - l.received_quantity, 0) END AS "openQuantity"`;

/** A receipt (joined with its line `l` and order `po`). */
export const RECEIPT_COLUMNS = `r.id, r.number, r.purchase_order_id AS "purchaseOrderId", r.line_id AS "lineId", l.product_id AS "productId",
  po.supplier_id AS "supplierId", po.warehouse_id AS "warehouseId", r.quantity, round(r.quantity * l.unit_cost, 2)::text AS amount,
  r.received_at AS "receivedAt", r.lead_time_days AS "leadTimeDays", r.expected_date::text AS "expectedDate", r.delay_days AS "delayDays",
  r.on_time AS "onTime", round(100.0 * r.quantity / l.quantity, 2)::float8 AS "fillRate", r.delivery_note AS "deliveryNote",
  r.received_by AS "receivedBy", r.created_at AS "createdAt"`;

export const RECEIPT_FROM = `suppliers.purchase_receipts r JOIN suppliers.purchase_order_lines l ON l.id = r.line_id JOIN suppliers.purchase_orders po ON po.id = r.purchase_order_id`;
