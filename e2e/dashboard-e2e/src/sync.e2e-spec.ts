import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from './support/browser';
import { signInAs } from './support/journeys';
import { baseUrl } from './support/shared';

describe('journey 6: « Synchroniser maintenant »', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('starts a sync, shows its progress per budget, and lists the new run', async () => {
    const page = await browser.newPage({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    await signInAs(page, baseUrl(), 'agent');
    await page.goto(`${baseUrl()}/synchronisation`);
    await page.getByRole('heading', { name: 'Synchronisation', level: 1 }).waitFor();
    const history = page.locator('section', {
      has: page.getByRole('heading', { name: 'Dernières synchronisations' }),
    });
    await history.locator('tbody tr').first().waitFor();
    const runsBefore = await history.locator('tbody tr').count();
    expect(await page.getByText('Mot de passe du compte technique').isVisible()).toBe(true);

    const latestTitle = page.locator('#latest-title');
    const previousId = Number(/n° (\d+)/.exec(await latestTitle.innerText())?.[1]);

    await page.getByRole('button', { name: 'Synchroniser maintenant' }).click();
    // The new run appears at the top, running, then finished for all eight budgets.
    const next = `Synchronisation n° ${previousId + 1} — `;
    await page.getByRole('heading', { name: new RegExp(`${next}(En cours|Réussie)`) }).waitFor();
    await page
      .getByRole('heading', { name: new RegExp(`${next}Réussie`) })
      .waitFor({ timeout: 60_000 });
    expect(await history.locator('tbody tr').count()).toBe(runsBefore + 1);
    const latest = page.locator('section', { has: page.locator('#latest-title') });
    const budgets = await latest.locator('tbody tr').allInnerTexts();
    expect(budgets).toHaveLength(8);
    for (const row of budgets) {
      expect(row).toContain('Réussie');
    }
    expect(await history.locator('tbody tr').first().innerText()).toContain('Manuelle');
    await screenshot(page, 'synchronisation');
  });
});
