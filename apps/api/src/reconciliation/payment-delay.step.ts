import {
  computePaymentDelay,
  isPaymentDelayOpen,
  paymentDelayAnomaly,
  parisCalendarDate,
  type InterestRateRow,
  type SuspensionPeriod,
} from '@cd31/domain';
import type { EntityManager } from 'typeorm';
import type { BudgetThresholds } from './reconciliation-settings';

/** Chorus statuses whose clock raises DGP_DEPASSE / DGP_MENACE (the invoice is with CD31). */
const DGP_ALERT_STATUSES = new Set(['MISE_A_DISPOSITION', 'SERVICE_FAIT', 'COMPLETEE']);
const BATCH = 5000;

interface OpenInvoiceRow {
  id_facture: string;
  budget_id: number;
  first_mad_at: Date;
  montant_ttc: string | null;
  statut: string;
  type_facture: string | null;
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
  const scopeFilter = scopeTable ? `AND c.id_facture IN (SELECT id FROM ${scopeTable})` : '';
  await manager.query(
    scopeTable
      ? `DELETE FROM invoice_payment_delay WHERE id_facture IN (SELECT id FROM ${scopeTable})`
      : `DELETE FROM invoice_payment_delay`,
  );
  const byBudget = new Map(thresholds.map((t) => [t.budgetId, t.thresholds]));
  const today = parisCalendarDate(now);
  let lastId = 0;
  let written = 0;
  for (;;) {
    const invoices = await manager.query<OpenInvoiceRow[]>(
      `SELECT c.id_facture, c.budget_id, c.first_mad_at, c.montant_ttc, c.statut, c.type_facture
         FROM chorus_invoice c
        WHERE c.first_mad_at IS NOT NULL AND c.id_facture > $1 AND c.statut = ANY($2) ${scopeFilter}
        ORDER BY c.id_facture LIMIT ${BATCH}`,
      [lastId, OPEN_STATUSES],
    );
    if (invoices.length === 0) {
      return written;
    }
    lastId = Number(invoices[invoices.length - 1]?.id_facture);
    const suspensions = await loadSuspensions(
      manager,
      invoices.map((i) => i.id_facture),
    );
    const rows = invoices.map((invoice) => {
      const clock = computePaymentDelay({
        firstMadAt: invoice.first_mad_at,
        suspensions: suspensions.get(invoice.id_facture) ?? [],
        paidOrMandatedAt: null,
        now,
        ttc: Number(invoice.montant_ttc ?? 0),
        rates,
      });
      const budgetThresholds = byBudget.get(invoice.budget_id);
      const anomaly =
        budgetThresholds &&
        invoice.type_facture !== 'AVOIR' &&
        DGP_ALERT_STATUSES.has(invoice.statut)
          ? paymentDelayAnomaly(clock, budgetThresholds)
          : null;
      return { id: invoice.id_facture, clock, anomaly };
    });
    await manager.query(
      `INSERT INTO invoice_payment_delay (id_facture, computed_on, start_date, due_date, ordonnateur_due_date,
         days_elapsed, days_left, ordonnateur_days_left, days_late, suspended_now, interest_rate, interest,
         indemnity, euros_at_risk, anomaly)
       SELECT * FROM unnest($1::bigint[], $2::date[], $3::date[], $4::date[], $5::date[], $6::int[], $7::int[],
         $8::int[], $9::int[], $10::boolean[], $11::numeric[], $12::numeric[], $13::numeric[], $14::numeric[], $15::text[])`,
      [
        rows.map((r) => r.id),
        rows.map(() => today),
        rows.map((r) => r.clock.startDate),
        rows.map((r) => r.clock.dueDate),
        rows.map((r) => r.clock.ordonnateurDueDate),
        rows.map((r) => r.clock.daysElapsed),
        rows.map((r) => r.clock.daysLeft),
        rows.map((r) => r.clock.ordonnateurDaysLeft),
        rows.map((r) => r.clock.daysLate),
        rows.map((r) => r.clock.suspendedNow),
        rows.map((r) => r.clock.interest?.rate ?? null),
        rows.map((r) => ((r.clock.interest?.amountCents ?? 0) / 100).toFixed(2)),
        rows.map((r) => (r.clock.late ? (r.clock.indemnityCents / 100).toFixed(2) : '0.00')),
        rows.map((r) => (r.clock.eurosAtRiskCents / 100).toFixed(2)),
        rows.map((r) => r.anomaly),
      ],
    );
    written += rows.length;
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
  const result = new Map<string, SuspensionPeriod[]>();
  for (const event of events) {
    const list = result.get(event.id_facture) ?? [];
    const open = list[list.length - 1];
    if (event.statut === 'SUSPENDUE' && (!open || open.to !== null)) {
      list.push({ from: event.at, to: null });
    } else if (event.statut === 'COMPLETEE' && open && open.to === null) {
      list[list.length - 1] = { from: open.from, to: event.at };
    }
    result.set(event.id_facture, list);
  }
  return result;
}
