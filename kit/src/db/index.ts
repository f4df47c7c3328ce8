export * from './server';
export * from './pool';
export * from './migrate';
export * from './connect';
export * from './reach';
export * as platform from './schema';
export * from './tx';
export * from './analyze';
export * from './app-role';
