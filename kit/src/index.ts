export * from './errors';
export * from './env';
export * from './paths';
export * from './cli';
export * from './progress';
export * from './logger';
export * from './db';
