/**
 * Typed errors with stable codes. Services throw these; the GraphQL layer maps them to
 * `extensions.code` in one place, and CLIs print their message. Anything else is a bug and is
 * masked from clients.
 */
export const ERROR_CODES = [
  'VALIDATION',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'CONFLICT',
  'INSUFFICIENT_STOCK',
  'INVALID_TRANSITION',
  'IDEMPOTENCY_MISMATCH',
  'RATE_LIMITED',
  'TIMEOUT',
  'CONFIG',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A value was refused: names the field, the value and why. */
export class ValidationError extends AppError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super('VALIDATION', `${field}: ${reason} (got ${formatValue(value)})`, { field, value, reason });
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, key: unknown) {
    super('NOT_FOUND', `${entity} ${formatValue(key)} not found`, { entity, key });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this') {
    super('FORBIDDEN', message);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Authentication required') {
    super('UNAUTHENTICATED', message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CONFLICT', message, details);
  }
}

/** A read ran past the database's statement time limit: the question is too broad for the data, not a fault. */
export class QueryTimeoutError extends AppError {
  constructor(message: string) {
    super('TIMEOUT', message);
  }
}

/** A problem in the configuration (environment): names every variable at fault. */
export class ConfigError extends AppError {
  constructor(readonly problems: { variable: string; reason: string }[]) {
    // One problem is one line (what a start-up prints and a log keeps); several are a list.
    const text =
      problems.length === 1
        ? ` ${problems[0]!.variable}: ${problems[0]!.reason}`
        : `\n${problems.map((p) => `  - ${p.variable}: ${p.reason}`).join('\n')}`;
    super('CONFIG', `Invalid configuration:${text}`, {
      problems,
    });
  }
}

export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Not enough available stock (on hand − reserved) for a product in a warehouse. */
export class InsufficientStockError extends AppError {
  constructor(details: {
    productId: number;
    sku?: string;
    warehouseId: number;
    requested: number;
    available: number;
  }) {
    super(
      'INSUFFICIENT_STOCK',
      `Insufficient stock for product ${details.sku ?? details.productId} in warehouse ${details.warehouseId}: ${details.requested} requested, ${details.available} available`,
      details,
    );
  }
}

/** A workflow step that the current state does not allow (e.g. shipping a DRAFT order). */
export class InvalidTransitionError extends AppError {
  constructor(entity: string, from: string, to: string) {
    super('INVALID_TRANSITION', `${entity} cannot go from ${from} to ${to}`, { from, to });
  }
}
