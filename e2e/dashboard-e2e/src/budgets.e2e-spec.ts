import * as fs from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from './support/browser';
import { newDataDir, startProduct, type RunningProduct } from './support/product';

describe('dashboard smoke: the budgets page', () => {
  let product: RunningProduct;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await newDataDir();
    product = await startProduct({ dataDir });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('lists the eight CD31 budgets in French, read from the database', async () => {
    const page = await browser.newPage({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    await page.goto(`${product.baseUrl}/`);
    await page.getByRole('heading', { name: 'Budgets', level: 1 }).waitFor();
    await page.locator('tbody tr').first().waitFor();

    const rows = await page.locator('tbody tr').allInnerTexts();
    expect(rows).toHaveLength(8);
    expect(rows[0]).toContain('Principal');
    expect(rows[0]).toContain('223 100 017 00423');
    expect(rows.join('\n')).toContain('Laboratoire Eau Air (EVA)');
    expect(rows.join('\n')).toContain('Pépinières');
    expect(await page.locator('thead').innerText()).toMatch(/Code ASTRE/i);

    const nav = await page.getByRole('navigation', { name: 'Navigation principale' }).innerText();
    for (const entry of [
      'Anomalies',
      'Factures',
      'Budgets',
      'Imports ASTRE',
      'Synchronisation',
      'Administration',
    ]) {
      expect(nav).toContain(entry);
    }
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    const file = await screenshot(page, 'budgets');
    expect((await fs.stat(file)).size).toBeGreaterThan(10_000);
    await page.close();
  });
});
