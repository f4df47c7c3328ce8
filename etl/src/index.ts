export {
  runEtl,
  formatSummary,
  type RunEtlOptions,
  type RunResult,
  type EntityResult,
  type RunStatus,
} from './run';
export { ENTITY_NAMES, type EntityName } from './entities';
export { reconcile, type Reconciliation } from './reconcile';
export { migrateDwh } from '@erp/dwh-schema';
