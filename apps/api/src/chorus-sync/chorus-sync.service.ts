import {
  ChorusClient,
  ChorusError,
  ChorusFunctionalError,
  type ChorusInvoicePage,
  type ChorusStatusHistory,
} from '@cd31/chorus-client';
import { encodeInvoices, type EncodedInvoices } from '@cd31/chorus-store';
import type {
  ChorusAccountHealthDto,
  SyncRequestResultDto,
  SyncRunDto,
  SyncTrigger,
} from '@cd31/contracts';
import {
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AdvisoryLock, CHORUS_SYNC_LOCK_KEY } from './advisory-lock';
import { CHORUS_CLIENT } from './chorus-client.provider';
import { InvoiceStore } from './invoice-store';
import { readAhead } from './prefetch';
import { SyncRunRepository } from './sync-run.repository';

interface SyncedBudget {
  readonly id: number;
  readonly code: string;
  readonly siret: string;
}

/** Listeners told which budgets a finished run touched (reconciliation hooks in here). */
export type SyncListener = (run: SyncRunDto) => Promise<void>;

const HISTORY_BATCH = 100;

/**
 * Pages read from Chorus Pro ahead of the writes (≈ 300 kB each once encoded), per budget: while
 * one page is written the next ones are on their way.
 */
const READ_AHEAD_PAGES = 4;

/**
 * Pulls every received invoice of CD31's budgets from Chorus Pro. One run at a time across all
 * replicas (PostgreSQL advisory lock); per budget, the window starts at its watermark minus an
 * overlap, every page is stored with its progress by one statement (its own transaction), and the
 * watermark moves only once the whole window is committed — a run killed half-way is simply
 * pulled again. Reading and writing overlap: pages are read ahead (READ_AHEAD_PAGES) while the
 * previous ones are written, and CHORUS_SYNC_BUDGET_CONCURRENCY budgets are synced at once (their
 * invoices are disjoint: each has its own recipient, window, watermark and run record).
 */
@Injectable()
export class ChorusSyncService implements OnApplicationShutdown {
  private readonly logger = new Logger(ChorusSyncService.name);
  private readonly store = new InvoiceStore();
  private readonly listeners: SyncListener[] = [];
  private current: Promise<void> | null = null;
  private readonly abort = new AbortController();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CHORUS_CLIENT) private readonly client: ChorusClient | null,
  ) {}

  get enabled(): boolean {
    return this.client !== null;
  }

  onSynced(listener: SyncListener): void {
    this.listeners.push(listener);
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.current?.catch(() => undefined);
  }

  /** Starts a run in the background, or answers with the one already running (here or elsewhere). */
  async requestSync(
    trigger: SyncTrigger,
    requestedBy: string | null,
  ): Promise<SyncRequestResultDto> {
    const client = this.client;
    if (!client) {
      throw new ServiceUnavailableException(
        "Synchronisation indisponible : Chorus Pro n'est pas configuré.",
      );
    }
    const repository = new SyncRunRepository(this.dataSource.manager);
    const lock = await AdvisoryLock.tryAcquire(this.dataSource, CHORUS_SYNC_LOCK_KEY);
    if (!lock) {
      // The holder inserts its run right after taking the lock: give it a moment to appear.
      for (let attempt = 0; attempt < 50; attempt++) {
        const runningId = await repository.runningRunId();
        const running = runningId === null ? null : await repository.get(runningId);
        if (running) {
          return { started: false, run: running };
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new ConflictException('Une synchronisation est déjà en cours.');
    }
    let runId: number;
    try {
      await repository.markInterrupted();
      runId = await repository.createRun(trigger, requestedBy);
    } catch (error) {
      await lock.release();
      throw error;
    }
    this.current = this.execute(client, runId)
      .catch((error: unknown) => this.logger.error(`sync run ${runId} failed: ${describe(error)}`))
      .finally(() => lock.release().catch(() => undefined));
    const run = await repository.get(runId);
    if (!run) {
      throw new NotFoundException(`Synchronisation ${runId} introuvable.`);
    }
    return { started: true, run };
  }

  /** Requests a run and waits for it to end (cron, start-up, tests). */
  async syncAndWait(trigger: SyncTrigger, requestedBy: string | null = null): Promise<SyncRunDto> {
    const result = await this.requestSync(trigger, requestedBy);
    if (result.started) {
      await this.current;
    }
    const run = await new SyncRunRepository(this.dataSource.manager).get(result.run.id);
    return run ?? result.run;
  }

  listRuns(limit: number): Promise<SyncRunDto[]> {
    return new SyncRunRepository(this.dataSource.manager).list(limit);
  }

  async getRun(id: number): Promise<SyncRunDto> {
    const run = await new SyncRunRepository(this.dataSource.manager).get(id);
    if (!run) {
      throw new NotFoundException(`Synchronisation ${id} introuvable.`);
    }
    return run;
  }

  async accountHealth(now = new Date()): Promise<ChorusAccountHealthDto> {
    const [row] = await this.dataSource.query<
      {
        password_expires_at: string | null;
        checked_at: Date | null;
        last_success_at: Date | null;
        last_failure_at: Date | null;
        last_error: string | null;
      }[]
    >(
      `SELECT to_char(password_expires_at, 'YYYY-MM-DD') AS password_expires_at, checked_at,
              last_success_at, last_failure_at, last_error
         FROM chorus_account_health WHERE id = 1`,
    );
    const expires = row?.password_expires_at ?? null;
    const daysLeft = expires ? daysBetween(now, expires) : null;
    return {
      simulated: this.config.simulatorMode,
      passwordExpiresAt: expires,
      passwordDaysLeft: daysLeft,
      passwordExpiresSoon: daysLeft !== null && daysLeft <= 30,
      checkedAt: row?.checked_at?.toISOString() ?? null,
      lastSuccessAt: row?.last_success_at?.toISOString() ?? null,
      lastFailureAt: row?.last_failure_at?.toISOString() ?? null,
      lastError: row?.last_error ?? null,
    };
  }

  private async execute(client: ChorusClient, runId: number): Promise<void> {
    const repository = new SyncRunRepository(this.dataSource.manager);
    try {
      const budgets = await this.dataSource.query<SyncedBudget[]>(
        `SELECT id, code, siret FROM budget WHERE active ORDER BY code`,
      );
      let failures = 0;
      // The account is checked after the first budget that syncs, once; again if that check fails.
      let accountChecking = false;
      await mapWithConcurrency(
        budgets,
        this.config.chorus.syncBudgetConcurrency,
        async (budget) => {
          try {
            const structureId = await this.syncBudget(client, runId, budget, repository);
            if (!accountChecking) {
              accountChecking = true;
              accountChecking = await this.checkAccount(client, structureId);
            }
          } catch (error) {
            failures++;
            this.logger.warn(`budget ${budget.code}: ${describe(error)}`);
          }
        },
      );
      const status =
        failures === 0 ? 'success' : failures === budgets.length ? 'failed' : 'partial';
      await repository.finishRun(
        runId,
        status,
        failures === 0 ? null : `${failures} budget(s) en échec sur ${budgets.length}.`,
      );
      if (failures < budgets.length) {
        await this.dataSource.query(
          `INSERT INTO chorus_account_health (id, last_success_at) VALUES (1, now())
           ON CONFLICT (id) DO UPDATE SET last_success_at = now()`,
        );
      }
    } catch (error) {
      await repository.finishRun(runId, 'failed', describe(error));
      throw error;
    }
    const run = await repository.get(runId);
    for (const listener of run ? this.listeners : []) {
      await listener(run as SyncRunDto);
    }
  }

  /** Pulls one budget's window; returns its Chorus structure id. */
  private async syncBudget(
    client: ChorusClient,
    runId: number,
    budget: SyncedBudget,
    repository: SyncRunRepository,
  ): Promise<number> {
    const settings = this.config.chorus;
    const windowTo = new Date();
    const watermark = await this.watermark(budget.id, windowTo);
    const windowFrom = new Date(watermark.getTime() - settings.overlapMinutes * 60_000);
    const budgetRunId = await repository.startBudget(runId, budget.id, windowFrom, windowTo);
    try {
      const structureId = await this.structureId(client, budget);
      await this.refreshServices(client, budget.id, structureId);

      const typesSeen = new Set<string>();
      let declaredUnknown = false;
      const pages = client.searchReceivedInvoices({
        idDestinataire: structureId,
        periodeDateHeureEtatCourantDu: windowFrom,
        signal: this.abort.signal,
      });
      for await (const page of readAhead(encodedPages(pages), READ_AHEAD_PAGES)) {
        const firstOfType = !typesSeen.has(page.typeDemandePaiement);
        typesSeen.add(page.typeDemandePaiement);
        if (firstOfType && page.pagesDeclared === null) {
          declaredUnknown = true;
        }
        await this.store.storeSyncPage(this.dataSource.manager, budget.id, page.invoices, {
          budgetRunId,
          declaredPagesForType: firstOfType ? page.pagesDeclared : null,
          declaredInvoicesForType: firstOfType ? page.totalDeclared : null,
          // "No result" comes back as one empty page declaring none: nothing was read.
          counted: !(page.invoices.count === 0 && page.pagesDeclared === 0),
        });
      }

      const historyWarning = await this.enrichHistories(client, budget.id, budgetRunId, repository);
      const counts = await repository.pageCounts(budgetRunId);
      const warnings = [
        declaredUnknown ? 'Chorus Pro n’a pas déclaré le nombre de pages.' : null,
        !declaredUnknown && counts.pagesDeclared !== counts.pagesRead
          ? `Pages déclarées (${counts.pagesDeclared}) ≠ pages lues (${counts.pagesRead}).`
          : null,
        historyWarning,
      ].filter((warning): warning is string => warning !== null);

      await this.dataSource.transaction(async (manager) => {
        await manager.query(
          `UPDATE budget_sync_state SET watermark = $2, last_success_at = now(), last_error = NULL
            WHERE budget_id = $1`,
          [budget.id, windowTo],
        );
        await new SyncRunRepository(manager).finishBudget(
          budgetRunId,
          'success',
          null,
          warnings.length ? warnings.join(' ') : null,
        );
      });
      return structureId;
    } catch (error) {
      const message = describe(error);
      await repository.finishBudget(budgetRunId, 'failed', message, null);
      await this.dataSource.query(
        `UPDATE budget_sync_state SET last_failure_at = now(), last_error = $2 WHERE budget_id = $1`,
        [budget.id, message],
      );
      throw error;
    }
  }

  /** The budget's watermark; the first run on an empty database starts N months back. */
  private async watermark(budgetId: number, now: Date): Promise<Date> {
    const backfill = new Date(now);
    backfill.setMonth(backfill.getMonth() - this.config.chorus.backfillMonths);
    const [row] = await this.dataSource.query<{ watermark: Date }[]>(
      `INSERT INTO budget_sync_state (budget_id, watermark, backfill_from) VALUES ($1, $2, $2)
       ON CONFLICT (budget_id) DO UPDATE SET watermark = budget_sync_state.watermark
       RETURNING watermark`,
      [budgetId, backfill],
    );
    return row?.watermark ?? backfill;
  }

  private async structureId(client: ChorusClient, budget: SyncedBudget): Promise<number> {
    const [cached] = await this.dataSource.query<{ id_structure_cpp: string }[]>(
      `SELECT id_structure_cpp FROM chorus_structure WHERE budget_id = $1`,
      [budget.id],
    );
    if (cached) {
      return Number(cached.id_structure_cpp);
    }
    const structure = await client.findStructureBySiret(budget.siret, {
      signal: this.abort.signal,
    });
    if (!structure) {
      throw new Error(`Chorus Pro ne connaît aucune structure pour le SIRET ${budget.siret}.`);
    }
    await this.dataSource.query(
      `INSERT INTO chorus_structure (budget_id, id_structure_cpp, designation) VALUES ($1, $2, $3)
       ON CONFLICT (budget_id) DO UPDATE SET id_structure_cpp = $2, designation = $3, resolved_at = now()`,
      [budget.id, structure.idStructureCPP, structure.designationStructure],
    );
    return structure.idStructureCPP;
  }

  private async refreshServices(
    client: ChorusClient,
    budgetId: number,
    structureId: number,
  ): Promise<void> {
    const services = await client.listStructureServices(structureId, { signal: this.abort.signal });
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`DELETE FROM chorus_service WHERE budget_id = $1`, [budgetId]);
      if (services.length > 0) {
        await manager.query(
          `INSERT INTO chorus_service (budget_id, id_service, code_service, libelle, actif)
           SELECT $1, s.id, s.code, s.libelle, coalesce(s.actif, true)
             FROM unnest($2::bigint[], $3::text[], $4::text[], $5::boolean[]) AS s(id, code, libelle, actif)
            WHERE s.code IS NOT NULL
           ON CONFLICT DO NOTHING`,
          [
            budgetId,
            services.map((s) => s.idService),
            services.map((s) => s.codeService),
            services.map((s) => s.libelleService),
            services.map((s) => s.estActif),
          ],
        );
      }
    });
  }

  /**
   * First MISE_A_DISPOSITION dates for invoices first seen past that status: one
   * consulter/historique call each, once (history_checked_at), bounded per run.
   */
  private async enrichHistories(
    client: ChorusClient,
    budgetId: number,
    budgetRunId: number,
    repository: SyncRunRepository,
  ): Promise<string | null> {
    const { historyCallsPerBudget, historyConcurrency } = this.config.chorus;
    const ids = await this.store.invoicesNeedingHistory(
      this.dataSource.manager,
      budgetId,
      historyCallsPerBudget,
    );
    let failed = 0;
    for (let start = 0; start < ids.length; start += HISTORY_BATCH) {
      const batch = ids.slice(start, start + HISTORY_BATCH);
      const histories: ChorusStatusHistory[] = [];
      await mapWithConcurrency(batch, historyConcurrency, async (idFacture) => {
        try {
          histories.push(await client.getStatusHistory(idFacture, { signal: this.abort.signal }));
        } catch (error) {
          if (error instanceof ChorusFunctionalError) {
            // Chorus Pro has no history for it: do not ask again on every run.
            histories.push({ idFacture, statutCourant: null, events: [] });
          } else {
            failed++;
          }
        }
      });
      const events = await this.dataSource.transaction((manager) =>
        this.store.applyHistories(manager, histories),
      );
      await repository.addHistory(budgetRunId, batch.length, events);
    }
    return failed > 0
      ? `${failed} historique(s) de statut non lu(s), repris à la prochaine synchronisation.`
      : null;
  }

  private async checkAccount(client: ChorusClient, structureId: number): Promise<boolean> {
    try {
      const details = await client.consultStructure(structureId, { signal: this.abort.signal });
      const expires = details.dateExpirationMotPasseCompteTech;
      await this.dataSource.query(
        `INSERT INTO chorus_account_health (id, password_expires_at, checked_at, last_error)
         VALUES (1, $1, now(), NULL)
         ON CONFLICT (id) DO UPDATE SET password_expires_at = $1, checked_at = now(), last_error = NULL`,
        [expires ? parisCalendarDate(expires) : null],
      );
      return true;
    } catch (error) {
      await this.dataSource.query(
        `INSERT INTO chorus_account_health (id, last_failure_at, last_error) VALUES (1, now(), $1)
         ON CONFLICT (id) DO UPDATE SET last_failure_at = now(), last_error = $1`,
        [describe(error)],
      );
      return false;
    }
  }
}

/** A search page with its invoices already encoded for the database (see encodeInvoices). */
interface EncodedPage {
  readonly typeDemandePaiement: ChorusInvoicePage['typeDemandePaiement'];
  readonly pagesDeclared: number | null;
  readonly totalDeclared: number | null;
  readonly invoices: EncodedInvoices;
}

/** Encodes each page as it is read, so a page waiting to be written holds only its parameters. */
async function* encodedPages(
  pages: AsyncIterable<ChorusInvoicePage>,
): AsyncGenerator<EncodedPage, void, undefined> {
  for await (const page of pages) {
    yield {
      typeDemandePaiement: page.typeDemandePaiement,
      pagesDeclared: page.pagesDeclared,
      totalDeclared: page.totalDeclared,
      invoices: encodeInvoices(page.invoices),
    };
  }
}

function describe(error: unknown): string {
  if (error instanceof ChorusError) {
    return `Chorus Pro : ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

const PARIS_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar day (YYYY-MM-DD) an instant falls on in Paris. */
function parisCalendarDate(instant: Date): string {
  return PARIS_DAY.format(instant);
}

function daysBetween(now: Date, isoDate: string): number {
  const [ty, tm, td] = parisCalendarDate(now).split('-').map(Number);
  const today = Date.UTC(ty ?? 1970, (tm ?? 1) - 1, td ?? 1);
  const [year, month, day] = isoDate.split('-').map(Number);
  return Math.round((Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1) - today) / 86_400_000);
}

async function mapWithConcurrency<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  });
  await Promise.all(workers);
}
