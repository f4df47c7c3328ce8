export * from './constants';
export * from './customers';
