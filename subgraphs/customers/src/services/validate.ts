import { ValidationError } from '@erp/kit';
import { requiredText } from '@erp/kit/graphql';
import { CUSTOMER_SEGMENTS, CUSTOMER_STATUSES } from '../db/schema/constants';

/** The database's own check (customers_email_format), so a refused value is named before it reaches SQL. */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function email(field: string, value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : value;
  if (typeof text !== 'string' || text.length > 254 || !EMAIL.test(text))
    throw new ValidationError(field, value, 'is not a valid e-mail address');
  return text;
}

/** Digits, spaces, + ( ) . - / and an x for extensions; at least 3 digits. */
export function phone(field: string, value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : value;
  if (
    typeof text !== 'string' ||
    text.length > 40 ||
    !/^[0-9+ ().\-/x]+$/i.test(text) ||
    (text.match(/\d/g) ?? []).length < 3
  ) {
    throw new ValidationError(field, value, 'is not a valid phone number');
  }
  return text;
}

/** undefined stays undefined (field absent), null stays null (clear it), anything else is validated. */
export function nullable<T>(value: unknown, parse: (v: unknown) => T): T | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  return parse(value);
}

export function segment(field: string, value: unknown): string {
  if (typeof value !== 'string' || !(CUSTOMER_SEGMENTS as readonly string[]).includes(value)) {
    throw new ValidationError(field, value, `must be one of ${CUSTOMER_SEGMENTS.join(', ')}`);
  }
  return value;
}

export function status(field: string, value: unknown): string {
  if (typeof value !== 'string' || !(CUSTOMER_STATUSES as readonly string[]).includes(value)) {
    throw new ValidationError(field, value, `must be one of ${CUSTOMER_STATUSES.join(', ')}`);
  }
  return value;
}

export function countryCode(field: string, value: unknown): string {
  const text = typeof value === 'string' ? value.trim().toUpperCase() : value;
  if (typeof text !== 'string' || !/^[A-Z0-9]{2,3}$/.test(text)) {
    throw new ValidationError(
      field,
      value,
      'must be an ISO 3166-1 code such as "FR" (2 or 3 letters or digits)',
    );
  }
  return text;
}

export interface GeographyInput {
  countryCode: string;
  countryName: string | null;
  region: string;
  city: string;
}

export function geography(field: string, value: unknown): GeographyInput {
  if (!value || typeof value !== 'object') throw new ValidationError(field, value, 'is required');
  const g = value as Record<string, unknown>;
  return {
    countryCode: countryCode(`${field}.countryCode`, g.countryCode),
    countryName: g.countryName == null ? null : requiredText(`${field}.countryName`, g.countryName, 100),
    region: requiredText(`${field}.region`, g.region, 100),
    city: requiredText(`${field}.city`, g.city, 100),
  };
}
