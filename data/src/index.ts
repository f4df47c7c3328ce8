/** @erp/data: the seeded generator and the mapping CSV importer for the OLTP. */
export * from './import';
export * from './generate';
export { country } from './import/mappings/countries';
