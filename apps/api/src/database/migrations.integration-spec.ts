import { CD31_BUDGETS } from '@cd31/domain';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/test-database';
import { migrate, revertLast } from './migrate';
import { MIGRATIONS } from './migrations';

async function tables(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_name <> 'schema_migration' ORDER BY table_name`,
    );
    return result.rows.map((row) => row.table_name);
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase({ migrated: false });
  });

  afterEach(async () => {
    await db.drop();
  });

  it('apply on an empty database, revert one by one to nothing, and apply again', async () => {
    const applied = await migrate(db.url);
    expect(applied).toHaveLength(MIGRATIONS.length);
    const schema = await tables(db.url);
    expect(schema).toContain('budget');

    for (let i = 0; i < MIGRATIONS.length; i++) {
      expect(await revertLast(db.url)).not.toBeNull();
    }
    expect(await tables(db.url)).toEqual([]);
    expect(await revertLast(db.url)).toBeNull();

    expect(await migrate(db.url)).toHaveLength(MIGRATIONS.length);
    expect(await tables(db.url)).toEqual(schema);
  });

  it('does nothing when the schema is up to date', async () => {
    await migrate(db.url);
    expect(await migrate(db.url)).toEqual([]);
  });

  it("seed CD31's eight budgets", async () => {
    await migrate(db.url);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ code: string; label: string; siret: string }>(
        'SELECT code, label, siret FROM budget ORDER BY code',
      );
      expect(rows).toEqual(CD31_BUDGETS.map(({ code, label, siret }) => ({ code, label, siret })));
    } finally {
      await client.end();
    }
  });
});
