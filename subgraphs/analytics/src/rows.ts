/** What the resolvers return: the services' answers are already in the API's shape. */
export type { OlapAnswer, Row, Member, Value, Freshness, Pivot } from '@erp/semantic';
export type { Dashboard } from './services/dashboards';
