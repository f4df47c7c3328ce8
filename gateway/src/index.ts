/** @erp/gateway: the gateway and the whole system it starts (subgraphs in process or over HTTP). */
export * from './gateway';
export {
  ANY_PORTS,
  startSystem,
  type SystemOptions,
  type RunningSystem,
  type DomainSubgraph,
} from './system';
export { hashPassword } from './auth/passwords';
