import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '../src/database/migrate';

/** A database of its own for one spec file, on the server the global setup started. */
export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env['CD31_TEST_ADMIN_URL'];
  if (!url) {
    throw new Error(
      'CD31_TEST_ADMIN_URL is not set: run integration specs through jest.integration.config.js',
    );
  }
  return url;
}

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(options: { migrated: boolean }): Promise<TestDatabase> {
  const name = `cd31_it_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const testDb: TestDatabase = {
    url: url.toString(),
    drop: () =>
      withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
  if (options.migrated) {
    await migrate(testDb.url);
  }
  return testDb;
}
