export { migrateDwh, migrationFiles, MIGRATIONS_DIR, type MigrationResult } from './migrate';
