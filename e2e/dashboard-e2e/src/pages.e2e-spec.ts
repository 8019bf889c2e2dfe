import type { Browser } from 'playwright-core';
import { collectConsoleErrors, launchBrowser, screenshot } from './support/browser';
import { signInAs } from './support/journeys';
import { baseUrl } from './support/shared';

describe('the other pages, as their users see them', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('lets an administrator read and tune the thresholds, and read the audit trail', async () => {
    const page = await browser.newPage({
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
      viewport: { width: 1400, height: 1000 },
    });
    const consoleErrors = collectConsoleErrors(page);
    await signInAs(page, baseUrl(), 'admin');
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    await page.getByRole('tab', { name: /Seuils/ }).click();
    await page.getByText('Mise à disposition non intégrée après').first().waitFor();
    await screenshot(page, 'administration-seuils');
    await page.getByRole('tab', { name: /Journal/ }).click();
    await page
      .getByRole('cell', { name: /auth\.sign_in/ })
      .first()
      .waitFor();
    await screenshot(page, 'administration-audit');
    expect(consoleErrors).toEqual([]);
  });

  it('finds an invoice by its number on the Factures page', async () => {
    const page = await browser.newPage({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    await signInAs(page, baseUrl(), 'gestionnaire');
    await page.getByRole('link', { name: 'Factures' }).click();
    await page.getByRole('heading', { name: 'Factures', level: 1 }).waitFor();
    await page.locator('tbody tr').first().waitFor();
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
    await screenshot(page, 'factures');
    // A gestionnaire reads everything but has no administration.
    await page.goto(`${baseUrl()}/administration`);
    await page.waitForURL((url) => !url.pathname.startsWith('/administration'));
  });
});
