import * as fs from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { collectConsoleErrors, launchBrowser, screenshot } from './support/browser';
import { signInAs } from './support/journeys';
import { baseUrl } from './support/shared';

describe('dashboard smoke: sign-in and the budgets page', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('sends an anonymous visitor to the sign-in page, with the simulated-data banner', async () => {
    const page = await browser.newPage({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    await page.goto(`${baseUrl()}/budgets`);
    await page.getByRole('heading', { name: 'Connexion', level: 1 }).waitFor();
    expect(page.url()).toContain('/connexion?retour=%2Fbudgets');
    expect(await page.getByRole('note').innerText()).toContain('Données simulées');
    expect(await page.getByRole('complementary').innerText()).toContain(
      'gestionnaire@demo.cd31.fr',
    );
    await screenshot(page, 'sign-in');
    await page.close();
  });

  it('lists the eight CD31 budgets in French, read from the database', async () => {
    const page = await browser.newPage({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    const consoleErrors = collectConsoleErrors(page);
    await signInAs(page, baseUrl(), 'admin');
    await page.goto(`${baseUrl()}/budgets`);
    await page.getByRole('heading', { name: 'Budgets', level: 1 }).waitFor();
    const table = page.locator('table', { has: page.getByText('SIRET Chorus Pro') });
    await table.locator('tbody tr').first().waitFor();

    const rows = await table.locator('tbody tr').allInnerTexts();
    expect(rows).toHaveLength(8);
    expect(rows[0]).toContain('Principal');
    expect(rows[0]).toContain('223 100 017 00423');
    expect(rows.join('\n')).toContain('Laboratoire Eau Air (EVA)');
    expect(rows.join('\n')).toContain('Pépinières');

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
    // Styles applied: the strict Content-Security-Policy did not block the stylesheet.
    const headerBackground = await table
      .locator('thead th')
      .first()
      .evaluate((th) => getComputedStyle(th).backgroundColor);
    expect(headerBackground).toBe('rgb(238, 242, 247)');
    expect(consoleErrors).toEqual([]);
    const file = await screenshot(page, 'budgets');
    expect((await fs.stat(file)).size).toBeGreaterThan(10_000);
    await page.close();
  });
});
