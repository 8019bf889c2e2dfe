import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { LocalPostgresError, startLocalPostgres, type LocalPostgres } from './local-postgres';

jest.setTimeout(120_000);

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<Record<string, unknown>>(sql);
    return result.rows;
  } finally {
    await client.end();
  }
}

describe('startLocalPostgres', () => {
  let workDir: string;
  const started: LocalPostgres[] = [];

  beforeEach(async () => {
    // Under os.tmpdir() (1777) so the postgres user can reach it when the suite runs as root.
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cd31-localpg-'));
    await fs.chmod(workDir, 0o755);
  });

  afterEach(async () => {
    for (const pg of started.splice(0)) {
      await pg.stop();
    }
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it('runs a real server that creates the requested database', async () => {
    const pg = await startLocalPostgres({
      dataDir: path.join(workDir, 'pg'),
      port: 0,
      database: 'cd31_spec',
      persistent: true,
      tuning: 'fast',
    });
    started.push(pg);
    const rows = (await query(pg.url, 'SELECT current_database() AS db')) as { db: string }[];
    expect(rows[0]?.db).toBe('cd31_spec');
  });

  it('keeps data across restarts of a persistent cluster', async () => {
    const options = {
      dataDir: path.join(workDir, 'pg'),
      port: 0,
      database: 'keep',
      persistent: true,
      tuning: 'fast' as const,
    };
    const first = await startLocalPostgres(options);
    await query(first.url, 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)');
    await first.stop();

    const second = await startLocalPostgres(options);
    started.push(second);
    expect(await query(second.url, 'SELECT id FROM kept')).toEqual([{ id: 42 }]);
  });

  it('recovers the data directory from an orphan server left by a killed parent', async () => {
    const options = {
      dataDir: path.join(workDir, 'pg'),
      port: 0,
      database: 'orphan',
      persistent: true,
      tuning: 'fast' as const,
    };
    const orphan = await startLocalPostgres(options);
    await query(orphan.url, 'CREATE TABLE survived (id int); INSERT INTO survived VALUES (7)');
    // The handle is dropped without stop(): exactly what a SIGKILLed parent leaves behind.
    const pidFile = await fs.readFile(path.join(orphan.dataDir, 'postmaster.pid'), 'utf8');
    const orphanPid = Number(pidFile.split('\n')[0]);

    const restarted = await startLocalPostgres(options);
    started.push(restarted);
    expect(() => process.kill(orphanPid, 0)).toThrow();
    expect(await query(restarted.url, 'SELECT id FROM survived')).toEqual([{ id: 7 }]);
  });

  it('deletes a throw-away cluster on stop', async () => {
    const pg = await startLocalPostgres({
      dataDir: path.join(workDir, 'tmp-pg'),
      port: 0,
      database: 'gone',
      persistent: false,
      tuning: 'fast',
    });
    await pg.stop();
    await expect(fs.stat(pg.dataDir)).rejects.toThrow();
  });

  it('says in one line what to do when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const attempt = startLocalPostgres({
        dataDir: path.join(workDir, 'pg'),
        port,
        database: 'busy',
        persistent: false,
        tuning: 'fast',
      });
      await expect(attempt).rejects.toBeInstanceOf(LocalPostgresError);
      await expect(attempt).rejects.toThrow(/EMBEDDED_POSTGRES_PORT/);
    } finally {
      blocker.close();
    }
  });
});
