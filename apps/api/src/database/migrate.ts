import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';

/** Applies every pending migration; returns their names. */
export async function migrate(url: string): Promise<string[]> {
  return withDataSource(url, async (dataSource) => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  });
}

/** Reverts the last applied migration; returns its name or null when none was applied. */
export async function revertLast(url: string): Promise<string | null> {
  return withDataSource(url, async (dataSource) => {
    const executed = await dataSource
      .query<{ name: string }[]>(`SELECT name FROM schema_migration ORDER BY id DESC LIMIT 1`)
      .catch(() => []);
    if (executed.length === 0) {
      return null;
    }
    await dataSource.undoLastMigration({ transaction: 'each' });
    return executed[0]?.name ?? null;
  });
}

/** Drops everything in the public schema, then migrates from scratch. */
export async function resetDatabase(url: string): Promise<string[]> {
  await withDataSource(url, async (dataSource) => {
    await dataSource.query('DROP SCHEMA public CASCADE');
    await dataSource.query('CREATE SCHEMA public');
  });
  return migrate(url);
}

async function withDataSource<T>(url: string, work: (ds: DataSource) => Promise<T>): Promise<T> {
  const dataSource = createDataSource(url, 2);
  await dataSource.initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
