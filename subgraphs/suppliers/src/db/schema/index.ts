export * from './constants';
export * from './suppliers';
export * from './purchasing';
