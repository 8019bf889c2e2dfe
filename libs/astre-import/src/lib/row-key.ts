import { type AstreRow } from './rows';

/** The supplier's invoice number as compared across exports and with Chorus Pro. */
export function normaliseInvoiceNumber(raw: string): string {
  return raw.trim().toUpperCase();
}

/**
 * The idempotency key of a row (astre-export.md): for an invoice, budget + Chorus id when ASTRE
 * kept it, otherwise budget + supplier SIRET + normalised invoice number; for an engagement,
 * budget + engagement number as entered (normalising it is the domain's job). The SIRET has a fixed
 * length and each variant its own tag, so keys of different variants never collide.
 *
 * Duplicate keys inside one file are not detected here (that would take memory in proportion to
 * the file): find them set-based in the staging table before merging.
 */
export function astreRowKey(row: AstreRow): string {
  switch (row.kind) {
    case 'factures':
      return row.chorusInvoiceId !== null
        ? `${row.budgetCode}|chorus|${row.chorusInvoiceId}`
        : `${row.budgetCode}|siret|${row.supplierSiret}|${normaliseInvoiceNumber(row.invoiceNumber)}`;
    case 'engagements':
      return `${row.budgetCode}|engagement|${row.engagementNumber}`;
  }
}
