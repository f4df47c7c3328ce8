/**
 * @erp/semantic — the one place a business figure is defined and computed. Dashboards, the explorer
 * (`olap`), the chat (`ask`), insights, recommendations, stories and mining summaries all go through
 * `olap()` with measures and levels of MODEL; none writes its own SQL for a business figure.
 */
export * from './model';
export * from './periods';
export * from './decimal';
export {
  lookupMembers,
  lookupMembersById,
  mainSupplies,
  membersNamedIn,
  nameableMembers,
  type MemberRecord,
  type NameableMember,
  type MainSupply,
} from './members';
export {
  planQuery,
  checkMembers,
  MAX_LIMIT,
  DEFAULT_LIMIT,
  type OlapInput,
  type FilterInput,
  type HavingOp,
  type Viewer,
  type Plan,
} from './plan';
export { buildQuery, canShareTotals, type BuiltQuery, type BuildOptions } from './sql';
export {
  olap,
  drillDown,
  withinTimeLimit,
  freshness,
  readAnswerState,
  type OlapAnswer,
  type Row,
  type Member,
  type Value,
  type Freshness,
  type Pivot,
  type AnswerState,
  type DrillInput,
} from './olap';
export {
  refreshRollups,
  refreshStaleRollups,
  describeRollupRefresh,
  markRollupsCurrent,
  rollupIsFresh,
  rollupStates,
  type RefreshResult,
  type RollupState,
  type RollupStageResult,
} from './rollups';
export { rollupColumns, type RollupColumn } from './rollup-tables';
export {
  readCalendar,
  referenceDay,
  coverage,
  lastCompletePeriods,
  type DataCalendar,
  type Coverage,
} from './calendar';
export {
  defineAnswer,
  definitionText,
  measureDefinition,
  unitOf,
  coverageWords,
  levelTitle,
  scopeWords,
  type AnswerDefinition,
  type MeasureDefinition,
} from './definition';
export {
  tiles,
  DASHBOARD_KINDS,
  LATE_SUPPLIER_THRESHOLD,
  type DashboardKind,
  type TileDef,
  type TileKind,
  type TileView,
  type TileQuery,
} from './tiles';
