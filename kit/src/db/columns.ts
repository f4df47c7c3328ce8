import { timestamp } from 'drizzle-orm/pg-core';

/** When a row was created and last changed: the pair every editable table of the OLTP carries. */
export const rowTimestamps = () => ({
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
