import { scalarResolvers } from '@erp/kit/graphql';
import type { AnalyticsContext } from '../context';
import { definitionText, describeModel, drillDown, lastCompletePeriods, olap, readCalendar, type AnswerDefinition, type Viewer } from '@erp/semantic';
import { ask, insights, recommendations, story } from '../services/ai';
import { dashboard } from '../services/dashboards';
import { miningSummary } from '../services/mining';
import { deleteView, savedView, savedViews, saveView } from '../services/views';

type Args = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Ctx = AnalyticsContext;

const viewer = (ctx: Ctx): Viewer => ({ role: ctx.identity.role, userId: ctx.identity.userId });

/** Thin resolvers: the services validate against the semantic model and the viewer's rights. */
export const resolvers = {
  ...scalarResolvers,
  Query: {
    semanticModel: async (_: unknown, _a: Args, ctx: Ctx) => describeModel((await readCalendar(ctx.pool)).currency),
    dataCalendar: async (_: unknown, _a: Args, ctx: Ctx) => {
      const c = await readCalendar(ctx.pool);
      const p = lastCompletePeriods(c);
      return { ...c, lastCompleteMonth: p.month, lastCompleteQuarter: p.quarter, lastCompleteYear: p.year };
    },
    olap: (_: unknown, a: Args, ctx: Ctx) => olap(ctx.pool, a.query, viewer(ctx)),
    drillDown: (_: unknown, a: Args, ctx: Ctx) => drillDown(ctx.pool, a as never, viewer(ctx)),
    dashboard: (_: unknown, a: Args, ctx: Ctx) => dashboard(ctx.pool, a.kind, a.period, viewer(ctx), ctx.log),
    miningSummary: (_: unknown, a: Args, ctx: Ctx) => miningSummary(ctx.pool, viewer(ctx), { anomalies: a.anomalies ?? undefined }),
    insights: (_: unknown, a: Args, ctx: Ctx) => insights(ctx.pool, viewer(ctx), a),
    recommendations: (_: unknown, a: Args, ctx: Ctx) => recommendations(ctx.pool, viewer(ctx), a),
    story: (_: unknown, a: Args, ctx: Ctx) => story(ctx.pool, viewer(ctx), a as never),
    ask: (_: unknown, a: Args, ctx: Ctx) => ask(ctx.pool, viewer(ctx), a as never),
    savedViews: (_: unknown, _a: Args, ctx: Ctx) => savedViews(ctx.pool, ctx.identity),
    savedView: (_: unknown, a: Args, ctx: Ctx) => savedView(ctx.pool, ctx.identity, a.id),
  },
  Mutation: {
    saveView: (_: unknown, a: Args, ctx: Ctx) => saveView(ctx.pool, ctx.identity, a.input ?? {}),
    deleteView: (_: unknown, a: Args, ctx: Ctx) => deleteView(ctx.pool, ctx.identity, a.id),
  },
  OlapDefinition: {
    text: (d: AnswerDefinition, a: Args) => definitionText(d, a.language === 'FR' ? 'fr' : 'en'),
  },
};
