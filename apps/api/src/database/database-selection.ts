import { startLocalPostgres } from '@cd31/local-postgres';
import type { DatabaseConfig } from '../config/app-config';

/** The PostgreSQL server the process talks to, and how to release it. */
export interface SelectedDatabase {
  readonly url: string;
  readonly embedded: boolean;
  release(): Promise<void>;
}

/**
 * The one place that decides which PostgreSQL the product uses: `DATABASE_URL` when set, an
 * embedded server with its data under `.data/postgres` otherwise.
 */
export async function selectDatabase(
  config: DatabaseConfig,
  log: (line: string) => void,
): Promise<SelectedDatabase> {
  if (config.url) {
    return { url: config.url, embedded: false, release: () => Promise.resolve() };
  }
  const server = await startLocalPostgres({
    dataDir: config.embedded.dataDir,
    port: config.embedded.port,
    database: 'cd31',
    persistent: true,
    tuning: 'durable',
    log,
  });
  return { url: server.url, embedded: true, release: () => server.stop() };
}
