import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '@erp/kit';
import { buildSchema, parseId, scalarResolvers } from '@erp/kit/graphql';
import { parse } from 'graphql';
import { allow } from 'graphql-shield';
import { pipelineRuns, pipelineSchedule, requestPipelineRun, type AuthContext } from './service';

export const authTypeDefs = parse(readFileSync(path.join(__dirname, '..', '..', 'schema.graphql'), 'utf8'));

type Args = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type StageRow = { result?: { rowsWritten?: unknown; reconciled?: unknown; summary?: unknown } };

const resolvers = {
  DateTime: scalarResolvers.DateTime,
  Query: {
    me: (_: unknown, _a: Args, ctx: AuthContext) => ctx.auth.me(ctx),
    users: (_: unknown, _a: Args, ctx: AuthContext) => ctx.auth.users(ctx),
    salesReps: (_: unknown, _a: Args, ctx: AuthContext) => ctx.auth.salesReps(ctx),
    auditLog: (_: unknown, a: Args, ctx: AuthContext) => ctx.auth.auditLog(ctx, a),
    pipelineRuns: (_: unknown, a: Args, ctx: AuthContext) => pipelineRuns(ctx, a.first),
    pipelineSchedule: (_: unknown, _a: Args, ctx: AuthContext) => pipelineSchedule(ctx),
  },
  Mutation: {
    login: (_: unknown, a: Args, ctx: AuthContext) => ctx.auth.login(ctx, a.email, a.password),
    refreshToken: (_: unknown, a: Args, ctx: AuthContext) => ctx.auth.refresh(ctx, a.refreshToken),
    logout: (_: unknown, a: Args, ctx: AuthContext) => ctx.auth.logout(ctx, a.refreshToken),
    createUser: (_: unknown, a: Args, ctx: AuthContext) =>
      ctx.auth.createUser(ctx, a.input, a.idempotencyKey),
    updateUser: (_: unknown, a: Args, ctx: AuthContext) =>
      ctx.auth.updateUser(ctx, a.id, a.input, a.idempotencyKey),
    setUserDisabled: (_: unknown, a: Args, ctx: AuthContext) =>
      ctx.auth.setUserDisabled(ctx, a.userId, a.disabled),
    runPipeline: (_: unknown, a: Args, ctx: AuthContext) => requestPipelineRun(ctx, a.idempotencyKey),
  },
  // A stage as the pipeline ledger stores it (automation.pipeline_runs.stages): what it produced is in `result`.
  PipelineStage: {
    rowsWritten: (s: StageRow) => (typeof s.result?.rowsWritten === 'number' ? s.result.rowsWritten : null),
    reconciled: (s: StageRow) => (typeof s.result?.reconciled === 'boolean' ? s.result.reconciled : null),
    summary: (s: StageRow) => (typeof s.result?.summary === 'string' ? s.result.summary : null),
  },
  User: {
    __resolveReference: (ref: { id: string }, ctx: AuthContext) =>
      ctx.auth.userById(ctx, parseId('id', ref.id)),
  },
};

/**
 * The gateway's own subgraph (served in-process): login and tokens are open to anonymous callers,
 * everything else follows the role matrix.
 */
export function buildAuthSchema(log: Logger) {
  return buildSchema({
    typeDefs: authTypeDefs,
    resolvers,
    log,
    fieldRules: {
      Mutation: { login: allow, refreshToken: allow, logout: allow },
      AuthPayload: { '*': allow },
      User: { '*': allow },
    },
  });
}
