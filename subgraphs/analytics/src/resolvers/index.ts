import { scalarResolvers } from '@erp/kit/graphql';
import type { AnalyticsContext } from '../context';
import type { Resolvers } from '../generated/resolvers';
import {
  definitionText,
  describeModel,
  drillDown,
  lastCompletePeriods,
  olap,
  readCalendar,
  type Viewer,
} from '@erp/semantic';
import { ask, insights, recommendations, story } from '../services/ai';
import { dashboard } from '../services/dashboards';
import { miningSummary } from '../services/mining';
import { deleteView, savedView, savedViews, saveView } from '../services/views';

type Ctx = AnalyticsContext;

const viewer = (ctx: Ctx): Viewer => ({ role: ctx.identity.role, userId: ctx.identity.userId });

/** Thin resolvers: the services validate against the semantic model and the viewer's rights. */
export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: {
    semanticModel: async (_, _a, ctx) => describeModel((await readCalendar(ctx.pool)).currency),
    dataCalendar: async (_, _a, ctx) => {
      const c = await readCalendar(ctx.pool);
      const p = lastCompletePeriods(c);
      return { ...c, lastCompleteMonth: p.month, lastCompleteQuarter: p.quarter, lastCompleteYear: p.year };
    },
    olap: (_, a, ctx) => olap(ctx.pool, a.query, viewer(ctx)),
    drillDown: (_, a, ctx) => drillDown(ctx.pool, a, viewer(ctx)),
    dashboard: (_, a, ctx) => dashboard(ctx.pool, a.kind, a.period, viewer(ctx), ctx.log),
    miningSummary: (_, a, ctx) =>
      miningSummary(ctx.pool, viewer(ctx), { anomalies: a.anomalies ?? undefined }),
    insights: (_, a, ctx) => insights(ctx.pool, viewer(ctx), a),
    recommendations: (_, a, ctx) => recommendations(ctx.pool, viewer(ctx), a),
    story: (_, a, ctx) => story(ctx.pool, viewer(ctx), a),
    ask: (_, a, ctx) => ask(ctx.pool, viewer(ctx), a),
    savedViews: (_, _a, ctx) => savedViews(ctx.pool, ctx.identity),
    savedView: (_, a, ctx) => savedView(ctx.pool, ctx.identity, a.id),
  },
  Mutation: {
    saveView: (_, a, ctx) => saveView(ctx.pool, ctx.identity, a.input ?? {}),
    deleteView: (_, a, ctx) => deleteView(ctx.pool, ctx.identity, a.id),
  },
  OlapDefinition: {
    text: (d, a) => definitionText(d, a.language === 'FR' ? 'fr' : 'en'),
  },
};
