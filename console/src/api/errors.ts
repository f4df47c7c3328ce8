import type { CombinedError } from '@urql/vue';

/** An error as the user is told about it: a stable code (the GraphQL extensions.code) and its details. */
export interface ApiFailure {
  code: string;
  message: string;
  extensions: Record<string, unknown>;
}

export const KNOWN_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'INSUFFICIENT_STOCK',
  'INVALID_TRANSITION',
  'IDEMPOTENCY_MISMATCH',
  'RATE_LIMITED',
  'GRAPHQL_VALIDATION_FAILED',
  'INTERNAL_SERVER_ERROR',
  'DOWNSTREAM_SERVICE_ERROR',
  'NETWORK',
  'UNKNOWN',
] as const;

export function failureFromCombined(err: CombinedError): ApiFailure {
  const g = err.graphQLErrors[0];
  if (g)
    return {
      code: String(g.extensions?.code ?? 'UNKNOWN'),
      message: g.message,
      extensions: { ...(g.extensions ?? {}) },
    };
  return { code: 'NETWORK', message: err.networkError?.message ?? err.message, extensions: {} };
}

export function failureFromUnknown(err: unknown): ApiFailure {
  if (
    err &&
    typeof err === 'object' &&
    'code' in err &&
    typeof (err as { code: unknown }).code === 'string'
  ) {
    const e = err as { code: string; message?: string; extensions?: Record<string, unknown> };
    return { code: e.code, message: e.message ?? e.code, extensions: e.extensions ?? {} };
  }
  return { code: 'UNKNOWN', message: err instanceof Error ? err.message : String(err), extensions: {} };
}

/** The i18n key of a code: known codes have their own text, any other one the generic text. */
export function errorKey(code: string): string {
  return (KNOWN_CODES as readonly string[]).includes(code) ? `errors.${code}` : 'errors.UNKNOWN';
}
