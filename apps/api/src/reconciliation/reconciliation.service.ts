import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { BULK_FILL_MIN_ROWS } from '../database/bulk-fill';
import { SET_BULK_WORK_MEM } from '../database/bulk-work-mem';
import { detectAnomalies } from './detect.step';
import { matchInvoices } from './match.step';
import { mergeAnomalies } from './merge.step';
import { refreshPaymentDelays } from './payment-delay.step';
import { loadBudgetThresholds, loadInterestRates } from './reconciliation-settings';
import { count } from './sql';

export type ReconciliationScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'invoices'; readonly ids: readonly number[] };

export interface ReconciliationResult {
  readonly runId: number;
  readonly scope: 'all' | 'invoices';
  readonly invoices: number;
  readonly matched: number;
  readonly detected: number;
  readonly opened: number;
  readonly reopened: number;
  readonly resolved: number;
  readonly durationMs: number;
}

const RECONCILIATION_LOCK_KEY = 3_100_000_002;

/**
 * Reconciliation and anomaly detection (domain.md §6–§8), set-based: match Chorus invoices to ASTRE
 * rows, refresh the payment-delay clocks, derive the anomalies, then merge them into the anomaly
 * table — new ones open, vanished ones resolve themselves (reason recorded), returning ones reopen,
 * and what people set (assignee, notes, ignored/resolved by hand) is never overwritten.
 */
@Injectable()
export class ReconciliationService {
  private readonly logger = new Logger(ReconciliationService.name);
  /** New anomalies from which an empty table is filled before its list indexes are built. */
  firstFillMinRows = BULK_FILL_MIN_ROWS;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async run(
    scope: ReconciliationScope,
    trigger: string,
    now = new Date(),
  ): Promise<ReconciliationResult> {
    const started = Date.now();
    const steps: Record<string, number> = {};
    const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
      const stepStarted = Date.now();
      try {
        return await work();
      } finally {
        steps[step] = (steps[step] ?? 0) + Date.now() - stepStarted;
      }
    };
    const result = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [RECONCILIATION_LOCK_KEY]);
      await manager.query(SET_BULK_WORK_MEM);
      const scopeTable = scope.kind === 'all' ? null : await this.prepareScope(manager, scope.ids);
      const invoices = await count(
        manager,
        scopeTable ? `SELECT count(*) FROM ${scopeTable}` : `SELECT count(*) FROM chorus_invoice`,
      );
      const matched = await timed('match', () => matchInvoices(manager, scopeTable));
      const thresholds = await loadBudgetThresholds(manager);
      const rates = await loadInterestRates(manager);
      await timed('paymentDelays', () =>
        refreshPaymentDelays(manager, scopeTable, now, thresholds, rates),
      );
      const detected = await timed('detect', () =>
        detectAnomalies(manager, scopeTable, thresholds, now, this.logger),
      );
      const merged = await timed('merge', () =>
        mergeAnomalies(manager, scopeTable, {
          firstFillMinRows: this.firstFillMinRows,
          logger: this.logger,
        }),
      );
      // Fold the per-statement count changes the anomaly triggers appended (migration 0900).
      await manager.query('SELECT anomaly_count_compact()');
      const [run] = await manager.query<{ id: string }[]>(
        `INSERT INTO reconciliation_run (trigger, scope, ended_at, invoices, matched, detected, opened, reopened, resolved, duration_ms, steps)
         VALUES ($1, $2, now(), $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [
          trigger,
          scope.kind,
          invoices,
          matched,
          detected,
          merged.opened,
          merged.reopened,
          merged.resolved,
          Date.now() - started,
          JSON.stringify(steps),
        ],
      );
      return {
        runId: Number(run?.id),
        scope: scope.kind,
        invoices,
        matched,
        detected,
        ...merged,
        durationMs: Date.now() - started,
      };
    });
    this.logger.log({ msg: 'reconciliation done', trigger, ...result, steps });
    return result;
  }

  /** The invoices to recompute, plus those sharing their supplier + number (duplicates). */
  private async prepareScope(manager: EntityManager, ids: readonly number[]): Promise<string> {
    await manager.query(`CREATE TEMP TABLE recon_scope (id bigint PRIMARY KEY) ON COMMIT DROP`);
    await manager.query(
      `INSERT INTO recon_scope (id)
       SELECT c.id_facture FROM chorus_invoice c WHERE c.id_facture = ANY($1::bigint[])
       UNION
       SELECT o.id_facture FROM chorus_invoice c
         JOIN chorus_invoice o ON o.code_fournisseur = c.code_fournisseur
                              AND upper(btrim(o.numero_facture)) = upper(btrim(c.numero_facture))
        WHERE c.id_facture = ANY($1::bigint[])`,
      [ids],
    );
    await manager.query('ANALYZE recon_scope');
    return 'recon_scope';
  }
}
