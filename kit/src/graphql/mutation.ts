import { withClientTransaction, withTransaction, type Tx } from '../db/tx';
import { ValidationError } from '../errors';
import { recordAudit, type AuditEntry } from './audit';
import { idempotent } from './idempotency';
import type { BaseContext } from './subgraph';

export interface MutationSpec {
  /** The GraphQL mutation name, e.g. `confirmOrder`. */
  name: string;
  idempotencyKey?: string | null;
  /** What identifies "the same request" for the idempotency key. */
  payload: unknown;
}

export type Audit = (entry: Omit<AuditEntry, 'operation'>) => Promise<void>;

/**
 * Every mutation runs through here: one transaction (retried on serialization failures), the
 * idempotency key claimed in it, and audit rows written in it, so a rollback leaves no trace.
 * The result must be plain JSON (it is stored for retries).
 */
export function mutate<T>(
  ctx: BaseContext,
  spec: MutationSpec,
  run: (tx: Tx, audit: Audit) => Promise<T>,
  client?: Tx,
): Promise<T> {
  if (spec.idempotencyKey !== undefined && spec.idempotencyKey !== null) {
    if (spec.idempotencyKey.length < 8 || spec.idempotencyKey.length > 200) {
      throw new ValidationError('idempotencyKey', spec.idempotencyKey, 'must be 8 to 200 characters');
    }
  }
  const body = (tx: Tx) =>
    idempotent(tx, idempotencyScope(ctx, spec.name), spec.idempotencyKey, spec.payload, () =>
      run(tx, (entry) => recordAudit(tx, ctx.identity, { operation: spec.name, ...entry })),
    );
  // On the caller's client (one holding a session lock) or on a pooled one.
  return client ? withClientTransaction(client, body) : withTransaction(ctx.pool, body);
}

/** Where a mutation's idempotency keys live: per operation and per user. */
export const idempotencyScope = (ctx: BaseContext, name: string) =>
  `${name}:${ctx.identity.userId ?? 'service'}`;

/** Parses a GraphQL ID into a database id, naming the argument when it is wrong. */
export function parseId(field: string, value: unknown): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,10}$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isSafeInteger(n) || n <= 0 || n > 2_147_483_647)
    throw new ValidationError(field, value, 'is not a valid id');
  return n;
}

export function optionalId(field: string, value: unknown): number | null {
  return value === null || value === undefined ? null : parseId(field, value);
}

/** Trims a required text field and refuses it empty or too long. */
export function requiredText(field: string, value: unknown, max = 200): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new ValidationError(field, value, 'is required');
  if (value.trim().length > max) throw new ValidationError(field, value, `must be at most ${max} characters`);
  return value.trim();
}

export function positiveInt(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw new ValidationError(field, value, 'must be a whole number > 0');
  return value;
}

export function nonNegativeDecimal(field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^\d+(\.\d+)?$/.test(value) || Number(value) > 1e10) {
    throw new ValidationError(field, value, 'must be a decimal number ≥ 0');
  }
  return value;
}

/** What a mutation's service takes besides its input: the idempotency key. */
type SpecArgs = Omit<MutationSpec, 'name' | 'payload'>;

/** The resolver of a mutation taking `input` (and an idempotency key): the service gets both. */
export const inputMutation =
  <C, I, R>(run: (ctx: C, input: I, spec: SpecArgs) => R) =>
  (_parent: unknown, args: { input: I } & SpecArgs, ctx: C) =>
    run(ctx, args.input, args);

/** The resolver of a mutation of one row taking `id` and `input`: the id parsed, then as inputMutation. */
export const rowInputMutation =
  <C, I, R>(run: (ctx: C, id: number, input: I, spec: SpecArgs) => R) =>
  (_parent: unknown, args: { id: unknown; input: I } & SpecArgs, ctx: C) =>
    run(ctx, parseId('id', args.id), args.input, args);

/**
 * The patch of an update: each field of `checks` null when the input leaves it out (unchanged),
 * else its value as the check returns it, an error naming `input.<field>`. Checked in that order.
 */
export function inputPatch<S extends Record<string, (field: string, value: unknown) => unknown>>(
  input: Record<string, unknown>,
  checks: S,
): { [K in keyof S]: ReturnType<S[K]> | null } {
  return Object.fromEntries(
    Object.entries(checks).map(([k, check]) => [k, input[k] == null ? null : check(`input.${k}`, input[k])]),
  ) as { [K in keyof S]: ReturnType<S[K]> | null };
}

/** A mutation's service: the context, the mutation's input as given, the idempotency key. */
export type InputService<C, R> = (ctx: C, input: Record<string, unknown>, spec: SpecArgs) => Promise<R>;

/** The service of a mutation of one row (an update; a contact added to one supplier): the row's id first. */
export type RowInputService<C, R> = (
  ctx: C,
  id: number,
  input: Record<string, unknown>,
  spec: SpecArgs,
) => Promise<R>;
