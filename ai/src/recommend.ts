import type { Driver, Fact, RecordRef } from './facts';
import { impactScore, round2 } from './facts';
import type { Insights } from './insights';

/**
 * Recommendations: prioritised actions on ERP records, each with the facts that justify it (ids) and
 * its expected impact in euros (what the action protects or recovers, from the facts' numbers).
 */
export type ActionKind =
  'reorder' | 'call-customer' | 'review-order' | 'renegotiate-supplier' | 'diversify-customers';

export interface Recommendation {
  id: string;
  kind: ActionKind;
  priority: number;
  /** The record the action is on (product to reorder, customer to call, order to review, supplier). */
  record: RecordRef;
  /** For a reorder: the supplier to order from (null when no supplier is known) and the warehouse. */
  supplier?: RecordRef | null;
  warehouse?: RecordRef;
  quantity?: number;
  evidence: string[];
  expectedImpactEur: number;
  impact: number;
  /** Numbers the templates use (all from the evidence facts). */
  figures: Record<string, number | string | null>;
}

type Action = Omit<Recommendation, 'priority' | 'impact'>;

/** An action on the fact's own subject (an order to review, a supplier to renegotiate), worth what the fact puts at stake. */
const onSubject = (f: Fact, kind: ActionKind, figures: Action['figures']): Action => ({
  id: `${kind}:${f.subject.code}`,
  kind,
  record: f.subject,
  evidence: [f.id],
  expectedImpactEur: round2(Math.abs(f.atStakeEur)),
  figures,
});

/** A customer to call, on the evidence of one fact. */
const callCustomer = (
  f: Fact,
  customer: { id: number | undefined; code: string; label: string },
  expectedImpactEur: number,
  figures: Action['figures'],
): Action => ({
  id: `call-customer:${customer.code}`,
  kind: 'call-customer',
  record: { type: 'customer', ...customer },
  evidence: [f.id],
  expectedImpactEur,
  figures,
});

export function recommend(insights: Insights, opts: { maxCustomers?: number } = {}): Recommendation[] {
  const out: Action[] = [];
  const maxCustomers = opts.maxCustomers ?? 5;
  for (const f of insights.facts) {
    switch (f.kind) {
      case 'stockout-risk': {
        const d = f.details as {
          reorderQuantity: number;
          supplier: RecordRef | null;
          warehouse: RecordRef;
          leadTimeDays: number;
          safetyStock: number;
          available: number;
          dailyDemand: number;
        };
        if (d.reorderQuantity <= 0) break;
        out.push({
          id: `reorder:${f.subject.code}:${d.warehouse.code}`,
          kind: 'reorder',
          record: f.subject,
          supplier: d.supplier,
          warehouse: d.warehouse,
          quantity: d.reorderQuantity,
          evidence: [f.id],
          expectedImpactEur: round2(Math.abs(f.atStakeEur)),
          figures: {
            daysOfCover: f.value,
            leadTimeDays: d.leadTimeDays,
            safetyStock: d.safetyStock,
            available: d.available,
            dailyDemand: d.dailyDemand,
          },
        });
        break;
      }
      case 'rfm-movement': {
        const slipped = (
          f.details.slipped as {
            id: number;
            code: string;
            name: string;
            from: string;
            to: string;
            revenue12: number;
          }[]
        ).slice(0, maxCustomers);
        for (const c of slipped)
          out.push(
            callCustomer(f, { id: c.id, code: c.code, label: c.name }, c.revenue12, {
              from: c.from,
              to: c.to,
              revenue12: c.revenue12,
            }),
          );
        break;
      }
      case 'revenue-change': {
        // Customers whose revenue fell the most, when the fall is a real part of the change.
        const customers = ((f.details.drivers as Record<string, Driver[]>).customer ?? []).filter(
          (d) => d.contribution < 0 && d.id !== undefined,
        );
        for (const c of customers.slice(0, maxCustomers)) {
          if (Math.abs(c.contribution) < Math.abs(f.comparison ?? 0) * 0.02) continue;
          out.push(
            callCustomer(f, { id: c.id, code: c.key, label: c.label }, Math.abs(c.contribution), {
              current: c.current,
              previous: c.previous,
              contribution: c.contribution,
            }),
          );
        }
        break;
      }
      case 'unusual-order':
        out.push(
          onSubject(f, 'review-order', {
            amount: f.value,
            mean: f.comparison,
            method: String(f.details.method),
          }),
        );
        break;
      case 'supplier-deterioration':
        out.push(
          onSubject(f, 'renegotiate-supplier', {
            onTimeRate: f.value,
            previousOnTimeRate: f.comparison,
            lateDeliveries: f.details.lateDeliveries as number,
          }),
        );
        break;
      case 'concentration': {
        const hhi = f.details.hhi as number;
        if (f.value < 50 && hhi < 2500) break;
        const top = (f.details.top as { id: number; code: string; name: string; revenue: number }[])[0];
        out.push({
          id: 'diversify-customers',
          kind: 'diversify-customers',
          record: top
            ? { type: 'customer', id: top.id, code: top.code, label: top.name }
            : { type: 'company' },
          evidence: [f.id],
          expectedImpactEur: round2(f.atStakeEur),
          figures: { topSharePct: f.value, topN: f.details.topN as number, hhi },
        });
        break;
      }
      default:
        break;
    }
  }
  // One action per record and kind: keep the strongest, merging the evidence.
  const merged = new Map<string, Action>();
  for (const r of out) {
    const prior = merged.get(r.id);
    if (!prior) merged.set(r.id, r);
    else {
      const keep = r.expectedImpactEur > prior.expectedImpactEur ? r : prior;
      merged.set(r.id, { ...keep, evidence: [...new Set([...prior.evidence, ...r.evidence])] });
    }
  }
  return [...merged.values()]
    .sort((a, b) => b.expectedImpactEur - a.expectedImpactEur || a.id.localeCompare(b.id))
    .map((r, i) => ({ ...r, priority: i + 1, impact: impactScore(r.expectedImpactEur, insights.revenue) }));
}

/** The facts a recommendation rests on. */
export const evidenceOf = (r: Recommendation, facts: Fact[]) =>
  facts.filter((f) => r.evidence.includes(f.id));
