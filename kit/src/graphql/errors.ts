import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, ERROR_CODES, type ErrorCode } from '../errors';
import type { Logger } from '../logger';

/** The GraphQL `extensions.code` of each error code: stable, clients switch on them. */
function graphqlCode(code: ErrorCode): string {
  switch (code) {
    case 'VALIDATION':
      return 'BAD_USER_INPUT';
    case 'NOT_FOUND':
      return 'NOT_FOUND';
    case 'FORBIDDEN':
      return 'FORBIDDEN';
    case 'UNAUTHENTICATED':
      return 'UNAUTHENTICATED';
    case 'CONFLICT':
      return 'CONFLICT';
    case 'INSUFFICIENT_STOCK':
      return 'INSUFFICIENT_STOCK';
    case 'INVALID_TRANSITION':
      return 'INVALID_TRANSITION';
    case 'IDEMPOTENCY_MISMATCH':
      return 'IDEMPOTENCY_MISMATCH';
    case 'RATE_LIMITED':
      return 'RATE_LIMITED';
    case 'TIMEOUT':
      return 'QUERY_TIMEOUT';
    case 'CONFIG':
      return 'INTERNAL_SERVER_ERROR';
  }
}

function httpStatus(code: ErrorCode): number | undefined {
  if (code === 'UNAUTHENTICATED') return 401;
  if (code === 'RATE_LIMITED') return 429;
  return undefined;
}

/** Our typed error as a GraphQLError with a stable code and the field at fault; never a stack. */
export function appErrorToGraphQL(err: AppError): GraphQLError {
  const extensions: Record<string, unknown> = { code: graphqlCode(err.code) };
  const status = httpStatus(err.code);
  if (status) extensions.http = { status };
  if ('field' in err.details) extensions.field = err.details.field;
  if (err.code === 'INSUFFICIENT_STOCK') Object.assign(extensions, err.details);
  return new GraphQLError(err.message, { extensions });
}

/** Codes whose messages are safe for clients as they are (GraphQL validation and our own). */
const CLIENT_SAFE = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  'DOWNSTREAM_SERVICE_ERROR',
  'INTROSPECTION_DISABLED',
  'QUERY_TOO_COMPLEX',
  // ours, as clients see them; a configuration fault is the server's, its message stays inside
  ...ERROR_CODES.filter((code) => code !== 'CONFIG').map(graphqlCode),
]);

/**
 * Apollo `formatError`: our errors go out with their code; anything else is logged whole (with
 * the request id) and replaced by a generic message, so no stack, SQL or internal detail leaks.
 */
export function maskError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = (error as { originalError?: unknown })?.originalError ?? error;
    if (original instanceof AppError) {
      const g = appErrorToGraphQL(original);
      return {
        message: g.message,
        path: formatted.path,
        extensions: {
          code: g.extensions.code,
          ...(g.extensions.field ? { field: g.extensions.field } : {}),
          ...(original.code === 'INSUFFICIENT_STOCK' ? original.details : {}),
        },
      };
    }
    const code = formatted.extensions?.code as string | undefined;
    if (code && CLIENT_SAFE.has(code)) {
      const { stacktrace: _s, exception: _e, ...rest } = formatted.extensions ?? {};
      return { ...formatted, extensions: rest };
    }
    log.error({ err: original, path: formatted.path }, 'unexpected error');
    return {
      message: 'Internal server error',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
