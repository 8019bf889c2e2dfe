import type { Page } from 'playwright-core';

/** The rows ag-grid rendered (one element per visible row; no pinned columns in this grid). */
export function gridRows(page: Page) {
  return page.locator('.ag-row[row-index]');
}

/** Waits for the total the page announces ("123 anomalies") and returns it. */
export async function announcedTotal(page: Page): Promise<number> {
  const total = page.locator('p.total');
  await total.filter({ hasText: /\d+\s+anomalies?/ }).waitFor();
  return Number((await total.innerText()).replace(/[^\d]/g, ''));
}
