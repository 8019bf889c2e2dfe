import type { ChorusSimulator } from '@cd31/chorus-simulator';
import type { SyncRunDto } from '@cd31/contracts';
import { randomBytes } from 'node:crypto';
import type { BenchConfig } from '../config';
import { ApiProcess, runApiCli } from '../infra/api-process';
import { ApiClient } from '../infra/http';
import { queryRows, type BenchPostgres } from '../infra/postgres';
import type { Figure } from '../report';
import { sleep } from '../util';

export interface BenchContext {
  readonly config: BenchConfig;
  readonly pg: BenchPostgres;
  readonly log: (line: string) => void;
  /** The database, dataset and API shared by import, reconcile, list and export. */
  readonly shared: Map<string, unknown>;
}

export interface PartOutput {
  readonly status: 'done' | 'pending';
  readonly figures: Figure[];
  readonly notes: string[];
  readonly details: Record<string, unknown>;
}

export const ADMIN_EMAIL = 'bench.admin@cd31.fr';
/** Made up per run; only ever given to the CLI and to the sign-in of the API under test. */
export const ADMIN_PASSWORD = `Bench-${randomBytes(12).toString('hex')}`;

/** Creates the administrator with the API's own CLI (it migrates the database first). */
export async function createAdmin(workspaceRoot: string, databaseUrl: string): Promise<void> {
  await runApiCli(
    workspaceRoot,
    databaseUrl,
    ['user:create', '--email', ADMIN_EMAIL, '--role', 'admin', '--name', 'Banc Mesure'],
    { CD31_NEW_USER_PASSWORD: ADMIN_PASSWORD },
  );
}

/**
 * The API under test, signed in as the admin. Other work on a shared machine may stop it (it was
 * seen receiving an outside SIGTERM): `call` then restarts it on the same database, signs in again
 * and retries the call once, and the restart is reported with the part's results.
 */
export class RunningApi {
  readonly restarts: string[] = [];

  private constructor(
    private readonly ctx: BenchContext,
    private readonly databaseUrl: string,
    private readonly simulator: ChorusSimulator,
    private readonly env: Readonly<Record<string, string>>,
    private current: { api: ApiProcess; client: ApiClient },
  ) {}

  static async start(
    ctx: BenchContext,
    databaseUrl: string,
    simulator: ChorusSimulator,
    env: Readonly<Record<string, string>>,
  ): Promise<RunningApi> {
    return new RunningApi(
      ctx,
      databaseUrl,
      simulator,
      env,
      await signedIn(ctx, databaseUrl, simulator, env),
    );
  }

  get api(): ApiProcess {
    return this.current.api;
  }

  get client(): ApiClient {
    return this.current.client;
  }

  async call<T>(what: string, work: (client: ApiClient) => Promise<T>): Promise<T> {
    try {
      return await work(this.current.client);
    } catch (error) {
      if (this.current.api.alive) {
        throw error;
      }
      const note = `the API stopped during "${what}" (${this.current.api.exitDescription}); restarted and retried once`;
      this.ctx.log(note);
      this.restarts.push(note);
      this.current.client.close();
      this.current = await signedIn(this.ctx, this.databaseUrl, this.simulator, this.env);
      return work(this.current.client);
    }
  }

  async stop(): Promise<void> {
    this.current.client.close();
    await this.current.api.stop();
  }
}

async function signedIn(
  ctx: BenchContext,
  databaseUrl: string,
  simulator: ChorusSimulator,
  env: Readonly<Record<string, string>>,
): Promise<{ api: ApiProcess; client: ApiClient }> {
  const api = await ApiProcess.start({
    workspaceRoot: ctx.config.workspaceRoot,
    databaseUrl,
    simulator,
    env,
    log: ctx.log,
  });
  const client = new ApiClient(api.baseUrl);
  try {
    await client.signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  } catch (error) {
    client.close();
    await api.stop();
    throw error;
  }
  return { api, client };
}

/** Starts the built API on a database (whose admin exists) and signs the admin in. */
export function startSignedInApi(
  ctx: BenchContext,
  databaseUrl: string,
  simulator: ChorusSimulator,
  env: Readonly<Record<string, string>> = {},
): Promise<RunningApi> {
  return RunningApi.start(ctx, databaseUrl, simulator, env);
}

export interface ReconciliationRunRow {
  id: string;
  trigger: string;
  scope: string;
  started_at: Date;
  ended_at: Date | null;
  invoices: number | null;
  matched: number | null;
  detected: number | null;
  opened: number | null;
  reopened: number | null;
  resolved: number | null;
  duration_ms: number | null;
  /** Milliseconds per step (match, paymentDelays, detect, merge), recorded by the engine. */
  steps?: Record<string, number> | null;
}

export async function lastReconciliationId(databaseUrl: string): Promise<number> {
  const [row] = await queryRows<{ id: string | null }>(
    databaseUrl,
    'SELECT max(id) AS id FROM reconciliation_run',
  );
  return Number(row?.id ?? 0);
}

/**
 * Waits for the reconciliation the API starts by itself after a sync or an import (a row appears
 * in reconciliation_run when its transaction commits).
 */
export async function waitForReconciliation(
  databaseUrl: string,
  afterId: number,
  trigger: string,
  timeoutMs = 20 * 60_000,
): Promise<ReconciliationRunRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await queryRows<ReconciliationRunRow>(
      databaseUrl,
      `SELECT * FROM reconciliation_run WHERE id > $1 AND trigger = $2 ORDER BY id LIMIT 1`,
      [afterId, trigger],
    );
    if (row) {
      return row;
    }
    if (Date.now() > deadline) {
      throw new Error(`No ${trigger} reconciliation recorded within ${timeoutMs / 1000} s`);
    }
    await sleep(250);
  }
}

export interface TimedSyncRun {
  readonly run: SyncRunDto;
  /** POST → the poll that saw it finished. */
  readonly clientMs: number;
  /** endedAt − startedAt, as the API recorded them. */
  readonly serverMs: number;
}

/** "Synchroniser maintenant" as the admin, then GET /sync/runs/:id every 100 ms until it ends. */
export async function runSync(client: ApiClient): Promise<TimedSyncRun> {
  const started = performance.now();
  const answer = await client.json<{ started: boolean; run: SyncRunDto }>(
    'POST',
    '/api/v1/sync/runs',
  );
  if (!answer.started) {
    throw new Error(`a sync run (${answer.run.id}) was already running`);
  }
  for (;;) {
    const run = await client.json<SyncRunDto>('GET', `/api/v1/sync/runs/${answer.run.id}`);
    if (run.status !== 'running') {
      const clientMs = performance.now() - started;
      const serverMs =
        run.endedAt === null ? clientMs : Date.parse(run.endedAt) - Date.parse(run.startedAt);
      return { run, clientMs: Math.round(clientMs), serverMs };
    }
    await sleep(100);
  }
}

export function syncTotals(run: SyncRunDto): {
  seen: number;
  inserted: number;
  changed: number;
  events: number;
  pages: number;
  history: number;
} {
  return run.budgets.reduce(
    (sum, b) => ({
      seen: sum.seen + b.invoicesSeen,
      inserted: sum.inserted + b.invoicesNew,
      changed: sum.changed + b.invoicesChanged,
      events: sum.events + b.eventsCreated,
      pages: sum.pages + b.pagesRead,
      history: sum.history + b.historyCalls,
    }),
    { seen: 0, inserted: 0, changed: 0, events: 0, pages: 0, history: 0 },
  );
}
