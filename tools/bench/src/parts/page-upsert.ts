/**
 * The sync's database write path, replayed outside the API to measure it alone: the statement and
 * encoding of `@cd31/chorus-store`, the ones the API's InvoiceStore.storeSyncPage runs.
 */
import type { ChorusInvoiceSummary } from '@cd31/chorus-client';
import {
  NOTHING_WRITTEN,
  SYNC_PAGE_SQL,
  encodeInvoices,
  syncPageParams,
  type PageWriteResult,
} from '@cd31/chorus-store';
import type { Client } from 'pg';

export type PageWrite = PageWriteResult;

/**
 * One page, as the sync stores it: its invoices encoded, then one statement that upserts them,
 * records their events and adds the page to its budget run.
 */
export async function storePage(
  client: Client,
  budgetId: number,
  budgetRunId: number,
  invoices: readonly ChorusInvoiceSummary[],
  declared: { pages: number | null; invoices: number | null; counted: boolean },
): Promise<PageWrite> {
  const result = await client.query<PageWrite>(
    SYNC_PAGE_SQL,
    syncPageParams(budgetId, encodeInvoices(invoices), {
      budgetRunId,
      declaredPagesForType: declared.pages,
      declaredInvoicesForType: declared.invoices,
      counted: declared.counted,
    }),
  );
  return result.rows[0] ?? NOTHING_WRITTEN;
}
