import type { ChorusSimulator } from '@cd31/chorus-simulator';
import { freePort } from '@cd31/local-postgres';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { startTestApp } from '../../test/test-app';
import { createTestDatabase, type TestDatabase } from '../../test/test-database';
import { startTestSimulator, visibleInvoiceIds, withSimulator } from '../../test/test-simulator';
import { ChorusSyncService } from './chorus-sync.service';

const MAIN = path.resolve(__dirname, '../../../../dist/apps/api/main.js');

async function poll<T>(query: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await query();
    if (value !== null) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error('timed out');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a process killed in the middle of a sync', () => {
  let simulator: ChorusSimulator;
  let db: TestDatabase;

  beforeAll(async () => {
    if (!existsSync(MAIN)) {
      throw new Error(
        `${MAIN} is missing: the integration target builds the API first (nx run api:integration)`,
      );
    }
    simulator = await startTestSimulator(2500, 11);
    db = await createTestDatabase({ migrated: true });
  });

  afterAll(async () => {
    await simulator.close();
    await db.drop();
  });

  it('resumes from the last committed watermark and loses nothing', async () => {
    // A slow Chorus Pro, so that the kill lands between two committed pages.
    simulator.faults.set({ latencyMs: 150 });
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
        CHORUS_CLIENT_ID: simulator.clientId,
        CHORUS_CLIENT_SECRET: simulator.clientSecret,
        CHORUS_LOGIN: simulator.login,
        CHORUS_PASSWORD: simulator.password,
        CHORUS_OAUTH_URL: simulator.oauthUrl,
        CHORUS_API_URL: simulator.apiUrl,
        CHORUS_BACKFILL_MONTHS: '24',
        CHORUS_SYNC_ON_START: 'true',
        CHORUS_SYNC_CRON: 'off',
        RECONCILIATION_CRON: 'off',
      },
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      // Wait until some pages are committed but the run is not over, then kill -9.
      await poll(async () => {
        const { rows } = await pg.query<{ pages: number; running: number }>(
          `SELECT coalesce(sum(br.pages_read), 0)::int AS pages,
                  count(*) FILTER (WHERE r.status = 'running')::int AS running
             FROM sync_run r LEFT JOIN sync_budget_run br ON br.sync_run_id = r.id`,
        );
        return rows[0] && rows[0].pages >= 2 && rows[0].running > 0 ? true : null;
      }, 60_000);
      child.kill('SIGKILL');
      await exited;
      simulator.faults.reset();

      const { rows: left } = await pg.query<{ status: string }>(`SELECT status FROM sync_run`);
      expect(left.map((r) => r.status)).toEqual(['running']);
      const { rows: unfinished } = await pg.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM budget_sync_state WHERE last_success_at IS NULL AND watermark = backfill_from`,
      );
      expect(unfinished[0]?.n).toBeGreaterThan(0);
    } finally {
      await pg.end();
    }

    // A new process on the same database takes over.
    const testApp = await startTestApp({
      env: { CHORUS_BACKFILL_MONTHS: '24' },
      configure: withSimulator(simulator),
      db,
    });
    try {
      const run = await testApp.app.get(ChorusSyncService).syncAndWait('manual');
      expect(run.status).toBe('success');
      const dataSource = testApp.app.get(DataSource);
      const statuses = await dataSource.query<{ status: string }[]>(
        `SELECT status FROM sync_run ORDER BY id`,
      );
      expect(statuses.map((s) => s.status)).toEqual(['interrupted', 'success']);
      const ids = await dataSource.query<{ id: string }[]>(
        `SELECT id_facture AS id FROM chorus_invoice ORDER BY 1`,
      );
      expect(ids.map((r) => Number(r.id))).toEqual(visibleInvoiceIds(simulator.dataset));
    } finally {
      await testApp.close();
    }
  });
});
