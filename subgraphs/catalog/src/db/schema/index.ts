export * from './constants';
export * from './catalog';
export * from './inventory';
