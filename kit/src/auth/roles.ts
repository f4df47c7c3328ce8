/** Roles, from the widest to the narrowest. */
export const ROLES = ['ADMIN', 'MANAGER', 'SALES', 'WAREHOUSE', 'PURCHASING', 'ANALYST'] as const;
export type Role = (typeof ROLES)[number];

/** The gateway itself, for calls that act on behalf of no user (e.g. readiness checks). */
export const SERVICE_ROLE = 'SERVICE' as const;
export type Principal = Role | typeof SERVICE_ROLE;

/** Roles that may see personal contact data (customer e-mail, phone, contacts). ANALYST never. */
export const CONTACT_DATA_ROLES: readonly Role[] = ['ADMIN', 'MANAGER', 'SALES'];
