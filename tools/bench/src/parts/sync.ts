import { ChorusClient, type ChorusInvoiceSummary } from '@cd31/chorus-client';
import { startChorusSimulator, type ChorusSimulator } from '@cd31/chorus-simulator';
import { MINUTE_MS, generateDataset } from '@cd31/dataset';
import { runApiCli } from '../infra/api-process';
import { queryRows, withClient } from '../infra/postgres';
import { elapsedMs, errorMessage, perSecond, round } from '../util';
import {
  createAdmin,
  lastReconciliationId,
  runSync,
  startSignedInApi,
  syncTotals,
  waitForReconciliation,
  type BenchContext,
  type PartOutput,
  type RunningApi,
} from './context';
import { storePage } from './page-upsert';

const BACKFILL_MONTHS = 24;
/** Measured passes of the bare fetch and of the sync, after one warm-up pass of each. */
const REPEATS = 3;
const OVERLAP_MINUTES = 60;

interface FetchedPage {
  readonly pagesDeclared: number | null;
  readonly totalDeclared: number | null;
  readonly firstOfType: boolean;
  readonly invoices: readonly ChorusInvoiceSummary[];
}

interface FetchedBudget {
  readonly budgetCode: string;
  readonly pages: FetchedPage[];
}

/** The sync's first window: backfill start minus the overlap, as ChorusSyncService computes it. */
function firstWindowStart(): Date {
  const backfill = new Date();
  backfill.setMonth(backfill.getMonth() - BACKFILL_MONTHS);
  return new Date(backfill.getTime() - OVERLAP_MINUTES * 60_000);
}

/** (a) Every page of the 8 structures through ChorusClient, stored nowhere. */
async function bareFetch(
  simulator: ChorusSimulator,
  keep: boolean,
): Promise<{ ms: number; invoices: number; pages: number; budgets: FetchedBudget[] }> {
  const client = new ChorusClient({
    oauthUrl: simulator.oauthUrl,
    apiUrl: simulator.apiUrl,
    clientId: simulator.clientId,
    clientSecret: simulator.clientSecret,
    login: simulator.login,
    password: simulator.password,
    timeoutMs: 30_000,
  });
  const from = firstWindowStart();
  const budgets: FetchedBudget[] = [];
  let invoices = 0;
  let pages = 0;
  const started = performance.now();
  for (const structure of simulator.dataset.structures) {
    const kept: FetchedPage[] = [];
    const typesSeen = new Set<string>();
    for await (const page of client.searchReceivedInvoices({
      idDestinataire: structure.idStructureCPP,
      periodeDateHeureEtatCourantDu: from,
    })) {
      invoices += page.invoices.length;
      pages++;
      const firstOfType = !typesSeen.has(page.typeDemandePaiement);
      typesSeen.add(page.typeDemandePaiement);
      if (keep) {
        kept.push({
          pagesDeclared: page.pagesDeclared,
          totalDeclared: page.totalDeclared,
          firstOfType,
          invoices: page.invoices,
        });
      }
    }
    budgets.push({ budgetCode: structure.budget.code, pages: kept });
  }
  return { ms: elapsedMs(started), invoices, pages, budgets };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * Back to a database that has never synced (the API's structures and services kept, as its
 * process keeps them): the next run backfills every page again. The reconciliation that followed
 * the previous run has ended (waited for); what it derived goes too.
 */
async function forgetSyncedInvoices(dbUrl: string): Promise<void> {
  await withClient(dbUrl, async (client) => {
    await client.query(
      `TRUNCATE chorus_invoice, invoice_status_event, invoice_match, invoice_payment_delay,
                anomaly, anomaly_event, anomaly_note, anomaly_count`,
    );
    await client.query('DELETE FROM budget_sync_state');
    await client.query('VACUUM (ANALYZE) chorus_invoice, invoice_status_event');
  });
}

/** (c) The same normalised pages written with the sync's SQL into a fresh, migrated database. */
async function replayPages(
  ctx: BenchContext,
  budgets: readonly FetchedBudget[],
): Promise<{ ms: number; invoices: number; inserted: number; events: number }> {
  const url = await ctx.pg.createDatabase('bench_sync_replay');
  await runApiCli(ctx.config.workspaceRoot, url, ['db:migrate']);
  return withClient(url, async (client) => {
    const budgetIds = new Map(
      (await client.query<{ id: number; code: string }>('SELECT id, code FROM budget')).rows.map(
        (row) => [row.code, row.id],
      ),
    );
    const run = await client.query<{ id: string }>(
      `INSERT INTO sync_run (trigger, status) VALUES ('manual', 'running') RETURNING id`,
    );
    let invoices = 0;
    let inserted = 0;
    let events = 0;
    const started = performance.now();
    for (const budget of budgets) {
      const budgetId = budgetIds.get(budget.budgetCode);
      if (budgetId === undefined) {
        throw new Error(`budget ${budget.budgetCode} is not in the database`);
      }
      const budgetRun = await client.query<{ id: string }>(
        `INSERT INTO sync_budget_run (sync_run_id, budget_id, status) VALUES ($1, $2, 'running') RETURNING id`,
        [run.rows[0]?.id, budgetId],
      );
      const budgetRunId = Number(budgetRun.rows[0]?.id);
      for (const page of budget.pages) {
        const written = await storePage(client, budgetId, budgetRunId, page.invoices, {
          pages: page.firstOfType ? page.pagesDeclared : null,
          invoices: page.firstOfType ? page.totalDeclared : null,
          counted: !(page.invoices.length === 0 && page.pagesDeclared === 0),
        });
        invoices += written.seen;
        inserted += written.inserted;
        events += written.events;
      }
    }
    return { ms: elapsedMs(started), invoices, inserted, events };
  });
}

export async function runSyncPart(ctx: BenchContext): Promise<PartOutput> {
  const { config, log } = ctx;
  const notes: string[] = [];
  const details: Record<string, unknown> = {};
  const now = new Date(Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS);
  const started = performance.now();
  const dataset = generateDataset({ seed: config.seed, invoiceCount: config.syncInvoices, now });
  const simulator = await startChorusSimulator({ dataset, tokenTtlSeconds: 3600 });
  details['datasetMs'] = elapsedMs(started);
  log(`simulator with ${config.syncInvoices} invoices at ${simulator.url}`);

  const dbUrl = await ctx.pg.createDatabase('bench_sync');
  await createAdmin(config.workspaceRoot, dbUrl);
  let api: RunningApi | null = null;
  try {
    const pagesOnly = {
      CHORUS_BACKFILL_MONTHS: String(BACKFILL_MONTHS),
      CHORUS_HISTORY_CALLS_PER_BUDGET: '0',
    };
    api = await startSignedInApi(ctx, dbUrl, simulator, pagesOnly);

    // (a) bare fetch: one warm-up pass (simulator and client JIT), then REPEATS measured ones.
    log('bare fetch (warm-up pass)…');
    const warm = await bareFetch(simulator, false);
    const fetches: number[] = [];
    const fetched = await bareFetch(simulator, true);
    fetches.push(fetched.ms);
    for (let i = 1; i < REPEATS; i++) {
      log(`bare fetch (measured pass ${i + 1}/${REPEATS})…`);
      fetches.push((await bareFetch(simulator, false)).ms);
    }
    const fetchMs = median(fetches);
    details['bareFetch'] = {
      warmUpMs: warm.ms,
      ms: fetchMs,
      passesMs: fetches,
      invoices: fetched.invoices,
      pages: fetched.pages,
    };

    // (b) the sync through the API, pages only: as for the fetch, one warm-up run (the API's JIT),
    // then REPEATS measured ones, the database emptied of what the previous one stored.
    const syncs: { ms: number; clientMs: number }[] = [];
    let sync: Awaited<ReturnType<typeof runSync>> | null = null;
    let autoRecon: Awaited<ReturnType<typeof waitForReconciliation>> | null = null;
    let simStats = simulator.stats();
    for (let i = 0; i <= REPEATS; i++) {
      if (i > 0) {
        await forgetSyncedInvoices(dbUrl);
      }
      log(
        i === 0
          ? 'sync through the API (warm-up run)…'
          : `sync through the API (measured run ${i}/${REPEATS})…`,
      );
      simulator.resetStats();
      const before = await lastReconciliationId(dbUrl);
      sync = await runSync(api.client);
      simStats = simulator.stats();
      if (sync.run.status !== 'success') {
        notes.push(`sync ${i} ended ${sync.run.status}: ${sync.run.error ?? ''}`);
      }
      autoRecon = await waitForReconciliation(dbUrl, before, 'sync');
      if (i > 0) {
        syncs.push({ ms: sync.serverMs, clientMs: sync.clientMs });
      }
    }
    if (!sync || !autoRecon) {
      throw new Error('no sync was measured');
    }
    const totals = syncTotals(sync.run);
    if (totals.seen !== fetched.invoices) {
      notes.push(`the sync saw ${totals.seen} invoices, the bare fetch ${fetched.invoices}`);
    }
    const [stored] = await queryRows<{ n: number }>(
      dbUrl,
      'SELECT count(*)::int AS n FROM chorus_invoice',
    );
    details['sync'] = {
      serverMs: median(syncs.map((s) => s.ms)),
      runsMs: syncs.map((s) => s.ms),
      clientMs: syncs.map((s) => s.clientMs),
      totals,
      storedInvoices: stored?.n,
      simulatorCalls: simStats.calls,
      budgets: sync.run.budgets.map((b) => ({
        code: b.budgetCode,
        pages: b.pagesRead,
        seen: b.invoicesSeen,
        ms: b.endedAt ? Date.parse(b.endedAt) - Date.parse(b.startedAt) : null,
        warning: b.warning,
      })),
      reconciliationAfterSync: autoRecon,
    };

    // (e) a re-run with nothing changed.
    log('re-run (nothing changed)…');
    let reconciliationsBefore = await lastReconciliationId(dbUrl);
    const rerun = await runSync(api.client);
    await waitForReconciliation(dbUrl, reconciliationsBefore, 'sync');
    details['rerun'] = {
      serverMs: rerun.serverMs,
      clientMs: rerun.clientMs,
      totals: syncTotals(rerun.run),
    };

    // (d) history enrichment: the same database, the API restarted with the default call budget.
    await api.stop();
    api = null;
    log('history enrichment run (CHORUS_HISTORY_CALLS_PER_BUDGET default)…');
    api = await startSignedInApi(ctx, dbUrl, simulator, {
      CHORUS_BACKFILL_MONTHS: String(BACKFILL_MONTHS),
    });
    simulator.resetStats();
    reconciliationsBefore = await lastReconciliationId(dbUrl);
    const history = await runSync(api.client);
    const historyTotals = syncTotals(history.run);
    const historyCalls = simulator.stats().calls['/cpro/factures/v1/consulter/historique'] ?? 0;
    await waitForReconciliation(dbUrl, reconciliationsBefore, 'sync');
    details['history'] = {
      serverMs: history.serverMs,
      clientMs: history.clientMs,
      totals: historyTotals,
      simulatorHistoryCalls: historyCalls,
    };
    await api.stop();
    api = null;

    // (c) the write path alone, replayed from the pages of (a).
    log('replaying the pages into a fresh database with the sync’s SQL…');
    const replay = await replayPages(ctx, fetched.budgets);
    details['replay'] = replay;

    const syncMs = median(syncs.map((s) => s.ms));
    const writeMs = syncMs - fetchMs;
    const seconds = (values: readonly number[]) =>
      values.map((ms) => round(ms / 1000, 2)).join(' / ');
    notes.push(
      `${totals.seen} invoices in ${totals.pages} pages of ≤ 1000 over 8 budgets (both payment types); simulator in this process, API and PostgreSQL in theirs.`,
      `times are medians of ${REPEATS} measured passes after one warm-up pass each side: bare fetch ${seconds(fetches)} s; sync ${seconds(syncs.map((s) => s.ms))} s (ratios ${syncs.map((s) => round(s.ms / fetchMs, 2)).join(' / ')}), each into a database emptied of the previous run's invoices.`,
      `sync time = the run's endedAt − startedAt; the automatic reconciliation after it (${autoRecon.duration_ms ?? '?'} ms) is not counted.`,
      `history: ${historyTotals.history} consulter/historique calls (${historyCalls} seen by the simulator), bounded by the default 5000 per budget, in a run whose page part found nothing new.`,
    );
    return {
      status: 'done',
      figures: [
        {
          name: 'bare fetch (ChorusClient, no storage)',
          value: perSecond(fetched.invoices, fetchMs),
          unit: 'invoices/s',
        },
        { name: 'bare fetch time (median)', value: round(fetchMs / 1000, 2), unit: 's' },
        {
          name: 'sync (POST /sync/runs, pages only)',
          value: perSecond(totals.seen, syncMs),
          unit: 'invoices/s',
        },
        { name: 'sync time (median)', value: round(syncMs / 1000, 2), unit: 's' },
        {
          name: 'ratio sync time / bare fetch time',
          value: round(syncMs / fetchMs, 2),
          unit: '×',
          target: { comparator: '<', value: 1.5 },
        },
        {
          name: 'write path, derived: invoices / (sync − fetch)',
          value: writeMs > 0 ? perSecond(totals.seen, writeMs) : null,
          unit: 'invoices/s',
          target: { comparator: '>', value: 20_000 },
        },
        {
          name: 'write path, replayed with the sync SQL',
          value: perSecond(replay.invoices, replay.ms),
          unit: 'invoices/s',
          target: { comparator: '>', value: 20_000 },
        },
        {
          name: 'history enrichment (consulter/historique)',
          value: perSecond(historyTotals.history, history.serverMs),
          unit: 'calls/s',
        },
        { name: 're-run, nothing changed', value: round(rerun.serverMs / 1000, 2), unit: 's' },
      ],
      notes,
      details,
    };
  } catch (error) {
    if (api) {
      throw new Error(`${errorMessage(error)}\n--- API output ---\n${api.api.tail()}`);
    }
    throw error;
  } finally {
    await api?.stop();
    await simulator.close();
  }
}
