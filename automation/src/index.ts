export * from './pipeline';
export * from './schedule';
export * from './scheduler';
export * from './worker';
export * from './stages';
