import {
  computePaymentDelay,
  isPaymentDelayOpen,
  paymentDelayAnomaly,
  parisCalendarDate,
  type InterestRateRow,
  type SuspensionPeriod,
} from '@cd31/domain';
import type { EntityManager } from 'typeorm';
import { CopyWriter, connectionOf } from '../database/copy-writer';
import type { BudgetThresholds } from './reconciliation-settings';

/** Chorus statuses whose clock raises DGP_DEPASSE / DGP_MENACE (the invoice is with CD31). */
const DGP_ALERT_STATUSES = new Set(['MISE_A_DISPOSITION', 'SERVICE_FAIT', 'COMPLETEE']);
const BATCH = 10_000;

interface OpenInvoiceRow {
  id_facture: string;
  budget_id: number;
  first_mad_at: Date;
  montant_ttc: string | null;
  statut: string;
  type_facture: string | null;
  /** [statut, ISO instant] of its SUSPENDUE / COMPLETEE events, in time order. */
  events: [string, string][] | null;
}

/**
 * Computes the payment-delay clock (domain.md §8) of every open invoice in scope and stores it in
 * invoice_payment_delay; invoices that are no longer open lose their row. The maths stay in the
 * domain library (one implementation for the engine, the invoice page and the tests).
 */
export async function refreshPaymentDelays(
  manager: EntityManager,
  scopeTable: string | null,
  now: Date,
  thresholds: readonly BudgetThresholds[],
  rates: readonly InterestRateRow[],
): Promise<number> {
  const inScope = (column: string): string =>
    scopeTable ? `AND ${column} IN (SELECT id FROM ${scopeTable})` : '';
  await manager.query(
    scopeTable
      ? `DELETE FROM invoice_payment_delay WHERE id_facture IN (SELECT id FROM ${scopeTable})`
      : `DELETE FROM invoice_payment_delay`,
  );
  const byBudget = new Map(thresholds.map((t) => [t.budgetId, t.thresholds]));
  const today = parisCalendarDate(now);
  // One pass over the open invoices with their suspension events, read in batches through a
  // cursor of the run's transaction.
  await manager.query(
    `DECLARE recon_payment_delay NO SCROLL CURSOR FOR
     SELECT c.id_facture, c.budget_id, c.first_mad_at, c.montant_ttc, c.statut, c.type_facture, s.events
       FROM chorus_invoice c
       LEFT JOIN (
         SELECT e.id_facture, json_agg(json_build_array(e.statut, e.at) ORDER BY e.at) AS events
           FROM invoice_status_event e
          WHERE e.statut IN ('SUSPENDUE', 'COMPLETEE') ${inScope('e.id_facture')}
          GROUP BY e.id_facture
       ) s ON s.id_facture = c.id_facture
      WHERE c.first_mad_at IS NOT NULL AND c.statut = ANY($1) ${inScope('c.id_facture')}`,
    [OPEN_STATUSES],
  );
  let written = 0;
  try {
    for (;;) {
      const invoices = await manager.query<OpenInvoiceRow[]>(
        `FETCH ${BATCH} FROM recon_payment_delay`,
      );
      if (invoices.length === 0) {
        return written;
      }
      await insertPaymentDelays(manager, invoices, { now, today, rates, byBudget });
      written += invoices.length;
    }
  } finally {
    await manager.query('CLOSE recon_payment_delay');
  }
}

async function insertPaymentDelays(
  manager: EntityManager,
  invoices: readonly OpenInvoiceRow[],
  context: {
    readonly now: Date;
    readonly today: string;
    readonly rates: readonly InterestRateRow[];
    readonly byBudget: ReadonlyMap<number, BudgetThresholds['thresholds']>;
  },
): Promise<void> {
  // COPY rather than INSERT … unnest(): the step 4.7 → 4.0 s on 259 000 clocks.
  const writer = new CopyWriter(await connectionOf(manager), 'invoice_payment_delay', [
    'id_facture',
    'computed_on',
    'start_date',
    'due_date',
    'ordonnateur_due_date',
    'days_elapsed',
    'days_left',
    'ordonnateur_days_left',
    'days_late',
    'suspended_now',
    'interest_rate',
    'interest',
    'indemnity',
    'euros_at_risk',
    'anomaly',
  ]);
  try {
    for (const invoice of invoices) {
      const clock = computePaymentDelay({
        firstMadAt: invoice.first_mad_at,
        suspensions: suspensionPeriods(
          (invoice.events ?? []).map(([statut, at]) => ({ statut, at: new Date(at) })),
        ),
        paidOrMandatedAt: null,
        now: context.now,
        ttc: Number(invoice.montant_ttc ?? 0),
        rates: context.rates,
      });
      const budgetThresholds = context.byBudget.get(invoice.budget_id);
      const anomaly =
        budgetThresholds &&
        invoice.type_facture !== 'AVOIR' &&
        DGP_ALERT_STATUSES.has(invoice.statut)
          ? paymentDelayAnomaly(clock, budgetThresholds)
          : null;
      await writer.write([
        invoice.id_facture,
        context.today,
        clock.startDate,
        clock.dueDate,
        clock.ordonnateurDueDate,
        clock.daysElapsed,
        clock.daysLeft,
        clock.ordonnateurDaysLeft,
        clock.daysLate,
        clock.suspendedNow ? 't' : 'f',
        clock.interest?.rate ?? null,
        ((clock.interest?.amountCents ?? 0) / 100).toFixed(2),
        clock.late ? (clock.indemnityCents / 100).toFixed(2) : '0.00',
        (clock.eurosAtRiskCents / 100).toFixed(2),
        anomaly,
      ]);
    }
    await writer.end();
  } catch (error) {
    writer.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

const OPEN_STATUSES = [
  'DEPOSEE',
  'EN_COURS_ACHEMINEMENT',
  'MISE_A_DISPOSITION',
  'SERVICE_FAIT',
  'A_RECYCLER',
  'SUSPENDUE',
  'COMPLETEE',
].filter((status) => isPaymentDelayOpen(status));

/** SUSPENDUE → next COMPLETEE pairs, from the status history. */
export async function loadSuspensions(
  manager: EntityManager,
  ids: readonly string[],
): Promise<Map<string, SuspensionPeriod[]>> {
  const events = await manager.query<{ id_facture: string; statut: string; at: Date }[]>(
    `SELECT id_facture, statut, at FROM invoice_status_event
      WHERE id_facture = ANY($1::bigint[]) AND statut IN ('SUSPENDUE', 'COMPLETEE')
      ORDER BY id_facture, at`,
    [ids],
  );
  const byInvoice = new Map<string, { statut: string; at: Date }[]>();
  for (const event of events) {
    const list = byInvoice.get(event.id_facture) ?? [];
    list.push(event);
    byInvoice.set(event.id_facture, list);
  }
  return new Map([...byInvoice].map(([id, list]) => [id, suspensionPeriods(list)]));
}

/** Suspension periods from an invoice's SUSPENDUE / COMPLETEE events, in time order. */
function suspensionPeriods(
  events: readonly { readonly statut: string; readonly at: Date }[],
): SuspensionPeriod[] {
  const periods: SuspensionPeriod[] = [];
  for (const event of events) {
    const open = periods[periods.length - 1];
    if (event.statut === 'SUSPENDUE' && (!open || open.to !== null)) {
      periods.push({ from: event.at, to: null });
    } else if (event.statut === 'COMPLETEE' && open && open.to === null) {
      periods[periods.length - 1] = { from: open.from, to: event.at };
    }
  }
  return periods;
}
