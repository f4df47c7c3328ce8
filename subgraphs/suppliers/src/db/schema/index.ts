export * from './constants';
export * from './suppliers';
