import type { SyncBudgetRunDto, SyncRunDto, SyncRunStatus, SyncTrigger } from '@cd31/contracts';
import type { EntityManager } from 'typeorm';

interface RunRow {
  id: string;
  trigger: SyncTrigger;
  requested_by_email: string | null;
  status: SyncRunStatus;
  started_at: Date;
  ended_at: Date | null;
  error: string | null;
}

interface BudgetRunRow {
  sync_run_id: string;
  code: string;
  label: string;
  status: SyncRunStatus;
  started_at: Date;
  ended_at: Date | null;
  window_from: Date | null;
  window_to: Date | null;
  pages_declared: number;
  pages_read: number;
  invoices_declared: number;
  invoices_seen: number;
  invoices_new: number;
  invoices_changed: number;
  events_created: number;
  history_calls: number;
  error: string | null;
  warning: string | null;
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** The record of every sync run and of each budget's part in it. */
export class SyncRunRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Runs left "running" by a process that died: only called while holding the sync lock. */
  async markInterrupted(): Promise<void> {
    await this.manager.query(
      `UPDATE sync_budget_run SET status = 'interrupted', ended_at = now(),
              error = coalesce(error, 'Synchronisation interrompue (arrêt du processus).')
        WHERE status = 'running'`,
    );
    await this.manager.query(
      `UPDATE sync_run SET status = 'interrupted', ended_at = now(),
              error = coalesce(error, 'Synchronisation interrompue (arrêt du processus).')
        WHERE status = 'running'`,
    );
  }

  async createRun(trigger: SyncTrigger, requestedBy: string | null): Promise<number> {
    const [row] = await this.manager.query<{ id: string }[]>(
      `INSERT INTO sync_run (trigger, requested_by, status) VALUES ($1, $2, 'running') RETURNING id`,
      [trigger, requestedBy],
    );
    return Number(row?.id);
  }

  async finishRun(runId: number, status: SyncRunStatus, error: string | null): Promise<void> {
    await this.manager.query(
      `UPDATE sync_run SET status = $2, ended_at = now(), error = $3 WHERE id = $1`,
      [runId, status, error],
    );
  }

  async startBudget(
    runId: number,
    budgetId: number,
    windowFrom: Date,
    windowTo: Date,
  ): Promise<number> {
    const [row] = await this.manager.query<{ id: string }[]>(
      `INSERT INTO sync_budget_run (sync_run_id, budget_id, status, window_from, window_to)
       VALUES ($1, $2, 'running', $3, $4) RETURNING id`,
      [runId, budgetId, windowFrom, windowTo],
    );
    return Number(row?.id);
  }

  async addHistory(budgetRunId: number, calls: number, events: number): Promise<void> {
    await this.manager.query(
      `UPDATE sync_budget_run SET history_calls = history_calls + $2, events_created = events_created + $3 WHERE id = $1`,
      [budgetRunId, calls, events],
    );
  }

  async finishBudget(
    budgetRunId: number,
    status: SyncRunStatus,
    error: string | null,
    warning: string | null,
  ): Promise<{ pagesDeclared: number; pagesRead: number }> {
    const [row] = await this.manager.query<{ pages_declared: number; pages_read: number }[]>(
      `WITH finished AS (
         UPDATE sync_budget_run SET status = $2, ended_at = now(), error = $3, warning = coalesce($4, warning)
          WHERE id = $1 RETURNING pages_declared, pages_read
       )
       SELECT * FROM finished`,
      [budgetRunId, status, error, warning],
    );
    return { pagesDeclared: row?.pages_declared ?? 0, pagesRead: row?.pages_read ?? 0 };
  }

  async setWarning(budgetRunId: number, warning: string): Promise<void> {
    await this.manager.query(`UPDATE sync_budget_run SET warning = $2 WHERE id = $1`, [
      budgetRunId,
      warning,
    ]);
  }

  async pageCounts(budgetRunId: number): Promise<{ pagesDeclared: number; pagesRead: number }> {
    const [row] = await this.manager.query<{ pages_declared: number; pages_read: number }[]>(
      `SELECT pages_declared, pages_read FROM sync_budget_run WHERE id = $1`,
      [budgetRunId],
    );
    return { pagesDeclared: row?.pages_declared ?? 0, pagesRead: row?.pages_read ?? 0 };
  }

  async runningRunId(): Promise<number | null> {
    const [row] = await this.manager.query<{ id: string }[]>(
      `SELECT id FROM sync_run WHERE status = 'running' ORDER BY id DESC LIMIT 1`,
    );
    return row ? Number(row.id) : null;
  }

  async list(limit: number): Promise<SyncRunDto[]> {
    const runs = await this.manager.query<RunRow[]>(
      `SELECT r.id, r.trigger, u.email AS requested_by_email, r.status, r.started_at, r.ended_at, r.error
         FROM sync_run r LEFT JOIN app_user u ON u.id = r.requested_by
        ORDER BY r.id DESC LIMIT $1`,
      [limit],
    );
    return this.withBudgets(runs);
  }

  async get(runId: number): Promise<SyncRunDto | null> {
    const runs = await this.manager.query<RunRow[]>(
      `SELECT r.id, r.trigger, u.email AS requested_by_email, r.status, r.started_at, r.ended_at, r.error
         FROM sync_run r LEFT JOIN app_user u ON u.id = r.requested_by WHERE r.id = $1`,
      [runId],
    );
    const [run] = await this.withBudgets(runs);
    return run ?? null;
  }

  private async withBudgets(runs: RunRow[]): Promise<SyncRunDto[]> {
    if (runs.length === 0) {
      return [];
    }
    const budgetRows = await this.manager.query<BudgetRunRow[]>(
      `SELECT br.*, b.code, b.label FROM sync_budget_run br JOIN budget b ON b.id = br.budget_id
        WHERE br.sync_run_id = ANY($1) ORDER BY b.code`,
      [runs.map((run) => run.id)],
    );
    return runs.map((run) => ({
      id: Number(run.id),
      trigger: run.trigger,
      requestedBy: run.requested_by_email,
      status: run.status,
      startedAt: run.started_at.toISOString(),
      endedAt: iso(run.ended_at),
      error: run.error,
      budgets: budgetRows.filter((row) => row.sync_run_id === run.id).map(toBudgetDto),
    }));
  }
}

function toBudgetDto(row: BudgetRunRow): SyncBudgetRunDto {
  return {
    budgetCode: row.code,
    budgetLabel: row.label,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    endedAt: iso(row.ended_at),
    windowFrom: iso(row.window_from),
    windowTo: iso(row.window_to),
    pagesDeclared: row.pages_declared,
    pagesRead: row.pages_read,
    invoicesDeclared: row.invoices_declared,
    invoicesSeen: row.invoices_seen,
    invoicesNew: row.invoices_new,
    invoicesChanged: row.invoices_changed,
    eventsCreated: row.events_created,
    historyCalls: row.history_calls,
    error: row.error,
    warning: row.warning,
  };
}
