import type { ChorusInvoiceSummary, ChorusStatusHistory } from '@cd31/chorus-client';
import {
  NOTHING_WRITTEN,
  SYNC_PAGE_SQL,
  UPSERT_PAGE_SQL,
  encodeInvoices,
  syncPageParams,
  type EncodedInvoices,
  type PageProgress,
  type PageWriteResult,
} from '@cd31/chorus-store';
import type { EntityManager } from 'typeorm';

/** Statuses before the invoice reaches the recipient: no mise à disposition yet. */
const BEFORE_MAD = ['DEPOSEE', 'EN_COURS_ACHEMINEMENT'];

/** Writes what the sync reads from Chorus Pro. */
export class InvoiceStore {
  /** Stores invoices read outside the sync (in the caller's transaction). */
  async upsertPage(
    manager: EntityManager,
    budgetId: number,
    invoices: readonly ChorusInvoiceSummary[],
  ): Promise<PageWriteResult> {
    if (invoices.length === 0) {
      return NOTHING_WRITTEN;
    }
    const [result] = await manager.query<PageWriteResult[]>(UPSERT_PAGE_SQL, [
      ...encodeInvoices(invoices).columns,
      budgetId,
    ]);
    return result ?? NOTHING_WRITTEN;
  }

  /**
   * Stores one page of the sync and adds it to its budget run's progress, in a single statement
   * (atomic on its own: no transaction needed, one round trip).
   */
  async storeSyncPage(
    manager: EntityManager,
    budgetId: number,
    invoices: EncodedInvoices,
    progress: PageProgress,
  ): Promise<PageWriteResult> {
    const [result] = await manager.query<PageWriteResult[]>(
      SYNC_PAGE_SQL,
      syncPageParams(budgetId, invoices, progress),
    );
    return result ?? NOTHING_WRITTEN;
  }

  /** Invoices of a budget seen past mise à disposition whose first MAD date is still unknown. */
  async invoicesNeedingHistory(
    manager: EntityManager,
    budgetId: number,
    limit: number,
  ): Promise<number[]> {
    const rows = await manager.query<{ id_facture: string }[]>(
      `SELECT id_facture FROM chorus_invoice
        WHERE budget_id = $1 AND first_mad_at IS NULL AND history_checked_at IS NULL
          AND statut <> ALL($2)
        ORDER BY id_facture LIMIT $3`,
      [budgetId, BEFORE_MAD, limit],
    );
    return rows.map((row) => Number(row.id_facture));
  }

  /** Stores the events read from consulter/historique and the first MAD date they reveal. */
  async applyHistories(
    manager: EntityManager,
    histories: readonly ChorusStatusHistory[],
  ): Promise<number> {
    if (histories.length === 0) {
      return 0;
    }
    const ids: number[] = [];
    const statuses: string[] = [];
    const dates: Date[] = [];
    const comments: (string | null)[] = [];
    for (const history of histories) {
      for (const event of history.events) {
        if (event.date) {
          ids.push(history.idFacture);
          statuses.push(event.code);
          dates.push(event.date);
          comments.push(event.comment);
        }
      }
    }
    const [result] = await manager.query<{ events: number }[]>(
      `WITH inserted AS (
         INSERT INTO invoice_status_event (id_facture, statut, at, commentaire, source)
         SELECT * , 'historique' FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::text[])
         ON CONFLICT DO NOTHING RETURNING 1
       ),
       first_mad AS (
         SELECT e.id, min(e.at) AS at
           FROM unnest($1::bigint[], $2::text[], $3::timestamptz[]) AS e(id, statut, at)
          WHERE e.statut = 'MISE_A_DISPOSITION' GROUP BY e.id
       ),
       updated AS (
         UPDATE chorus_invoice c SET
           history_checked_at = now(),
           first_mad_at = LEAST(c.first_mad_at, f.at),
           first_mad_source = CASE WHEN f.at IS NOT NULL AND (c.first_mad_at IS NULL OR f.at < c.first_mad_at)
                                   THEN 'historique' ELSE c.first_mad_source END
           FROM unnest($5::bigint[]) AS h(id) LEFT JOIN first_mad f ON f.id = h.id
          WHERE c.id_facture = h.id
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM inserted)::int AS events, (SELECT count(*) FROM updated)::int AS updated`,
      [ids, statuses, dates, comments, histories.map((h) => h.idFacture)],
    );
    return result?.events ?? 0;
  }
}
