import { DataSource, type DataSourceOptions } from 'typeorm';
import { Budget } from '../budgets/budget.entity';
import { AppUser } from '../users/user.entity';
import { MIGRATIONS } from './migrations';

/** Every entity of the application. */
export const ENTITIES = [Budget, AppUser];

/**
 * The one DataSource definition, used by the Nest application and by the migration CLI
 * (`npm run db:migrate`). The schema only ever changes through migrations.
 */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: poolSize, application_name: 'cd31-chorus-monitor' },
  };
}

export function createDataSource(url: string, poolSize?: number): DataSource {
  return new DataSource(dataSourceOptions(url, poolSize));
}
