import type { ChorusSimulator } from '@cd31/chorus-simulator';
import type { SyncRunDto } from '@cd31/contracts';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from '../../test/test-app';
import { createTestDatabase, type TestDatabase } from '../../test/test-database';
import { startTestSimulator, visibleInvoiceIds, withSimulator } from '../../test/test-simulator';
import { ChorusSyncService } from './chorus-sync.service';

// 2 500 invoices over 8 budgets: the main budget needs several pages of 1000.
const INVOICES = 2500;
const ENV = { CHORUS_BACKFILL_MONTHS: '24' };

async function storedIds(db: DataSource): Promise<number[]> {
  const rows = await db.query<{ id: string }[]>(
    `SELECT id_facture AS id FROM chorus_invoice ORDER BY id_facture`,
  );
  return rows.map((r) => Number(r.id));
}

function totals(run: SyncRunDto): { seen: number; new: number; changed: number; events: number } {
  return run.budgets.reduce(
    (sum, b) => ({
      seen: sum.seen + b.invoicesSeen,
      new: sum.new + b.invoicesNew,
      changed: sum.changed + b.invoicesChanged,
      events: sum.events + b.eventsCreated,
    }),
    { seen: 0, new: 0, changed: 0, events: 0 },
  );
}

describe('Chorus Pro sync against the simulator', () => {
  let simulator: ChorusSimulator;
  let expected: number[];

  beforeAll(async () => {
    simulator = await startTestSimulator(INVOICES);
    expected = visibleInvoiceIds(simulator.dataset);
  });

  afterAll(async () => {
    await simulator.close();
  });

  afterEach(() => {
    simulator.faults.reset();
  });

  describe('a clean run, then a second one', () => {
    let testApp: TestApp;
    let sync: ChorusSyncService;
    let db: DataSource;

    beforeAll(async () => {
      testApp = await startTestApp({ env: ENV, configure: withSimulator(simulator) });
      sync = testApp.app.get(ChorusSyncService);
      db = testApp.app.get(DataSource);
    });

    afterAll(async () => {
      await testApp.close();
    });

    it('stores every invoice of every page exactly once, pages declared = pages read', async () => {
      const run = await sync.syncAndWait('manual');
      expect(run.status).toBe('success');
      expect(run.budgets).toHaveLength(8);
      for (const budget of run.budgets) {
        expect({
          budget: budget.budgetCode,
          read: budget.pagesRead,
          warning: budget.warning,
        }).toEqual({
          budget: budget.budgetCode,
          read: budget.pagesDeclared,
          warning: null,
        });
      }
      expect(Math.max(...run.budgets.map((b) => b.pagesRead))).toBeGreaterThan(2);
      expect(await storedIds(db)).toEqual(expected);
      expect(totals(run).new).toBe(expected.length);
    });

    it('knows the first mise à disposition of every invoice it stored', async () => {
      const [row] = await db.query<{ missing: number }[]>(
        `SELECT count(*)::int AS missing FROM chorus_invoice WHERE first_mad_at IS NULL`,
      );
      expect(row?.missing).toBe(0);
    });

    it('changes nothing when run again', async () => {
      const before = await db.query<unknown[]>(
        `SELECT id_facture, statut, date_heure_etat_courant, changed_at FROM chorus_invoice ORDER BY id_facture`,
      );
      const run = await sync.syncAndWait('manual');
      expect(totals(run)).toMatchObject({ new: 0, changed: 0, events: 0 });
      expect(run.budgets.every((b) => b.historyCalls === 0)).toBe(true);
      const after = await db.query<unknown[]>(
        `SELECT id_facture, statut, date_heure_etat_courant, changed_at FROM chorus_invoice ORDER BY id_facture`,
      );
      expect(after).toEqual(before);
    });

    it('records exactly one status event for a status change', async () => {
      const id = expected[10];
      const eventsOf = async (): Promise<{ statut: string }[]> =>
        db.query<{ statut: string }[]>(
          `SELECT statut FROM invoice_status_event WHERE id_facture = $1 ORDER BY at`,
          [id],
        );
      const before = await eventsOf();
      simulator.clock.advance(60_000);
      simulator.updateInvoice(id, {
        statut: 'SUSPENDUE',
        commentaire: 'Pièce justificative manquante',
      });
      const run = await sync.syncAndWait('manual');
      expect(totals(run)).toMatchObject({ new: 0, changed: 1, events: 1 });
      const after = await eventsOf();
      expect(after).toHaveLength(before.length + 1);
      expect(after[after.length - 1]?.statut).toBe('SUSPENDUE');
      expect(totals(await sync.syncAndWait('manual')).events).toBe(0);
    });

    it('reports the technical account password expiry', async () => {
      const account = await sync.accountHealth();
      expect(account.passwordExpiresAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(account.passwordDaysLeft).toBeGreaterThan(0);
      expect(account.lastSuccessAt).not.toBeNull();
    });
  });

  it('ends with exactly the simulator’s invoices despite errors, 429 bursts, an expired token and resets', async () => {
    const testApp = await startTestApp({ env: ENV, configure: withSimulator(simulator) });
    try {
      const sync = testApp.app.get(ChorusSyncService);
      simulator.faults.set({
        errorRate: 0.2,
        burst429: { count: 4, retryAfterSeconds: 1 },
        expireTokensNow: true,
        resetConnections: { count: 3 },
      });
      const first = await sync.syncAndWait('manual');
      simulator.faults.reset();
      // A budget may have given up after its retries: the next run takes it again from its watermark.
      const runs = [first];
      if (first.status !== 'success') {
        runs.push(await sync.syncAndWait('manual'));
      }
      expect(runs[runs.length - 1]?.status).toBe('success');
      const stats = simulator.stats();
      expect(stats).toBeDefined();
      const db = testApp.app.get(DataSource);
      expect(await storedIds(db)).toEqual(expected);
      const [dup] = await db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM (SELECT id_facture FROM chorus_invoice GROUP BY 1 HAVING count(*) > 1) d`,
      );
      expect(dup?.n).toBe(0);
    } finally {
      await testApp.close();
    }
  });

  it('keeps the watermark of a budget whose window failed, and takes it again next run', async () => {
    const testApp = await startTestApp({
      env: { ...ENV, CHORUS_RETRY_ATTEMPTS: '1' },
      configure: withSimulator(simulator),
    });
    try {
      const sync = testApp.app.get(ChorusSyncService);
      const db = testApp.app.get(DataSource);
      simulator.faults.set({ failPageOnce: { page: 2 } });
      const failed = await sync.syncAndWait('manual');
      expect(failed.status).toBe('partial');
      const failedBudget = failed.budgets.find((b) => b.status === 'failed');
      expect(failedBudget?.error).toMatch(/Chorus Pro/);
      const [state] = await db.query<
        { watermark: Date; backfill_from: Date; last_error: string }[]
      >(
        `SELECT s.watermark, s.backfill_from, s.last_error FROM budget_sync_state s JOIN budget b ON b.id = s.budget_id
          WHERE b.code = $1`,
        [failedBudget?.budgetCode],
      );
      expect(state?.watermark).toEqual(state?.backfill_from);
      expect(state?.last_error).toMatch(/Chorus Pro/);

      const retried = await sync.syncAndWait('manual');
      expect(retried.status).toBe('success');
      expect(await storedIds(db)).toEqual(expected);
    } finally {
      await testApp.close();
    }
  });

  it('never runs two syncs at once across two API instances on one database', async () => {
    const db: TestDatabase = await createTestDatabase({ migrated: true });
    const first = await startTestApp({ env: ENV, configure: withSimulator(simulator), db });
    const second = await startTestApp({ env: ENV, configure: withSimulator(simulator), db });
    try {
      simulator.faults.set({ latencyMs: 20 });
      const [a, b] = await Promise.all([
        first.app.get(ChorusSyncService).requestSync('manual', null),
        second.app.get(ChorusSyncService).requestSync('manual', null),
      ]);
      expect([a.started, b.started].sort()).toEqual([false, true]);
      expect(a.run.id).toBe(b.run.id);
      // The holder finishes; a request meanwhile on either replica is answered with the same run.
      const again = await second.app.get(ChorusSyncService).requestSync('manual', null);
      expect(again.started === false ? again.run.id : -1).toBe(a.run.id);
      await first.app
        .get(ChorusSyncService)
        .syncAndWait('manual')
        .catch(() => undefined);
      await second.app
        .get(ChorusSyncService)
        .syncAndWait('manual')
        .catch(() => undefined);
      const runs = await first.app
        .get(DataSource)
        .query<
          { id: string; started_at: Date; ended_at: Date }[]
        >(`SELECT id, started_at, ended_at FROM sync_run ORDER BY id`);
      for (let i = 1; i < runs.length; i++) {
        expect(runs[i].started_at.getTime()).toBeGreaterThanOrEqual(runs[i - 1].ended_at.getTime());
      }
    } finally {
      simulator.faults.reset();
      await first.close();
      await second.close();
      await db.drop();
    }
  });
});
