export * from './errors';
export * from './audit';
export * from './idempotency';
export * from './connection';
export * from './http';
export * from './subgraph';
export * from './scalars';
export * from './mutation';
