import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from './support/browser';
import { announcedTotal } from './support/grid';
import { signInAs } from './support/journeys';
import { baseUrl } from './support/shared';

describe('journey 3: a manager reads the budgets and drills into the stuck invoices', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('lands on the budgets, changes the period, and opens the stuck invoices of a budget from its bar', async () => {
    const page = await browser.newPage({
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
      viewport: { width: 1400, height: 1000 },
    });
    await signInAs(page, baseUrl(), 'gestionnaire');
    await page.getByRole('heading', { name: 'Budgets', level: 1 }).waitFor();
    // A gestionnaire sees no triage or administration control.
    const nav = await page.getByRole('navigation', { name: 'Navigation principale' }).innerText();
    expect(nav).not.toContain('Administration');

    const charts = page.locator('figure.chart');
    await charts.first().waitFor();
    expect(await charts.count()).toBe(4);
    const from = page.getByLabel('Du mois');
    const earlier = await from.inputValue();
    const [year, month] = earlier.split('-').map(Number);
    const changed = `${(year ?? 2025) - 1}-${String(month).padStart(2, '0')}`;
    await from.fill(changed);
    await from.dispatchEvent('change');
    await page.waitForURL(new RegExp(`from=${changed}`));
    // chart.js animates the bars for a second: let them settle before the picture.
    await page.waitForTimeout(1200);
    await screenshot(page, 'journey3-budgets');

    // The bar of budget 62 in « Factures bloquées par budget » (its accessible twin in the data list).
    const stuck = page.locator('figure.chart', { hasText: 'Factures bloquées par budget' });
    await stuck.locator('summary', { hasText: 'Voir les données' }).click();
    await stuck.locator('li', { hasText: '62 —' }).getByRole('button').click();
    await page.waitForURL(/\/anomalies\?/);
    expect(page.url()).toMatch(/budget=62/);
    expect(page.url()).toMatch(/code=MAD_NON_INTEGREE/);
    expect(await announcedTotal(page)).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: "M'attribuer" }).count()).toBe(0);
    await screenshot(page, 'journey3-drilldown');
  });
});
