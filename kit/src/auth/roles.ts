/** Roles of people, from the widest to the narrowest. */
export const ROLES = ['ADMIN', 'MANAGER', 'SALES', 'WAREHOUSE', 'PURCHASING', 'ANALYST'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Machine identities: programs, never people, each allowed only what its job needs (the matrix in
 * permissions.ts). A person's role can never carry one of these.
 * - SALES_SERVICE: the sales subgraph calling the catalog's internal stock operations for an order.
 *   It exists only inside identity tokens signed with SUBGRAPH_SECRET; no one logs in as it.
 * - PURCHASING_SERVICE: the suppliers subgraph posting a purchase receipt's goods to the catalog's
 *   stock (internal operations), the same way: only inside signed identity tokens.
 * - ETL_SERVICE: the ETL reading the ERP through the API (reads what the warehouse needs, writes nothing).
 * - MINING_SERVICE: the mining run writing customer segments back (assignCustomerSegments only).
 * ETL_SERVICE and MINING_SERVICE are service accounts (auth.users rows created by `npm start` from
 * ETL_EMAIL/ETL_PASSWORD and MINING_EMAIL/MINING_PASSWORD), because both are API clients that may
 * run on another machine; they cannot be created or changed through the user administration.
 */
export const SERVICE_ROLES = [
  'SALES_SERVICE',
  'PURCHASING_SERVICE',
  'ETL_SERVICE',
  'MINING_SERVICE',
] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

/** Service identities that log in as accounts (auth.users rows), as opposed to SALES_SERVICE. */
export const ACCOUNT_SERVICE_ROLES = [
  'ETL_SERVICE',
  'MINING_SERVICE',
] as const satisfies readonly ServiceRole[];
export type AccountServiceRole = (typeof ACCOUNT_SERVICE_ROLES)[number];

/** Every role an auth.users row may have: people's roles and the service accounts'. */
export const ACCOUNT_ROLES = [...ROLES, ...ACCOUNT_SERVICE_ROLES] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/** The gateway itself, for calls that act on behalf of no user; the matrix grants it nothing. */
export const SERVICE_ROLE = 'SERVICE' as const;
export type Principal = Role | ServiceRole | typeof SERVICE_ROLE;

export const isHumanRole = (role: unknown): role is Role => (ROLES as readonly unknown[]).includes(role);
export const isServiceRole = (role: unknown): role is ServiceRole =>
  (SERVICE_ROLES as readonly unknown[]).includes(role);
export const isAccountRole = (role: unknown): role is AccountRole =>
  (ACCOUNT_ROLES as readonly unknown[]).includes(role);

/** Roles that may see personal contact data (customer e-mail, phone, contacts). ANALYST never. */
export const CONTACT_DATA_ROLES: readonly Role[] = ['ADMIN', 'MANAGER', 'SALES'];
