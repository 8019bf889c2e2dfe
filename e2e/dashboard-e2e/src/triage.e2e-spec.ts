import type { AnomalyPageDto, InvoiceDetailDto } from '@cd31/contracts';
import type { Browser } from 'playwright-core';
import { DEMO, signInApi } from './support/api-client';
import { collectConsoleErrors, launchBrowser, screenshot } from './support/browser';
import { announcedTotal, gridRows } from './support/grid';
import { signInAs } from './support/journeys';
import { baseUrl } from './support/shared';

describe('journey 1: an agent triages an invoice stuck at mise à disposition', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('filters budget 62 to the stuck invoices, opens one, takes it and notes it; the list shows it after a reload', async () => {
    const page = await browser.newPage({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    const consoleErrors = collectConsoleErrors(page);
    await signInAs(page, baseUrl(), 'agent');
    // The agent lands on the anomalies.
    await page.getByRole('heading', { name: 'Anomalies', level: 1 }).waitFor();
    expect(page.url()).toMatch(/\/anomalies/);

    await page.getByRole('button', { name: /Bloquées en mise à disposition/ }).click();
    await page.getByLabel('Budget').selectOption('62');
    await page.waitForURL(/budget=62/);
    expect(page.url()).toMatch(/code=MAD_NON_INTEGREE/);
    const total = await announcedTotal(page);
    expect(total).toBeGreaterThan(0);
    // Rows of the infinite model show placeholders until their block arrives.
    await gridRows(page).filter({ hasText: 'Non intégrée' }).first().waitFor();
    const firstRow = await gridRows(page).first().innerText();
    expect(firstRow).toMatch(/^62\b/m);
    await screenshot(page, 'journey1-anomalies-stuck-62');

    await gridRows(page).first().click();
    await page.waitForURL(/\/factures\/\d+/);
    const idFacture = Number(/\/factures\/(\d+)/.exec(page.url())?.[1]);
    await page.getByRole('heading', { name: /Facture n° / }).waitFor();
    // Why it is stuck: the anomaly card names it; the payment-delay clock is shown.
    const anomalies = page.locator('section', { has: page.locator('#anomalies-title') });
    expect(await anomalies.innerText()).toMatch(/mise à disposition|statut|traitement/i);
    expect(await page.locator('section', { has: page.locator('#dgp-title') }).innerText()).toMatch(
      /jour/,
    );

    const card = anomalies.locator('article').first();
    await card.getByRole('button', { name: "M'attribuer" }).click();
    await card.locator('dd', { hasText: 'Agnès Martin (agent SIF)' }).waitFor();
    await card.getByLabel('Ajouter une note').fill('Relance du service en cours (test e2e).');
    await card.getByRole('button', { name: 'Ajouter la note' }).click();
    await card.getByText('Relance du service en cours (test e2e).').waitFor();
    await screenshot(page, 'journey1-invoice');

    await page.goto(`${baseUrl()}/anomalies?assignee=me&budget=62`);
    await page.reload();
    await announcedTotal(page);
    await gridRows(page).filter({ hasText: 'Agnès Martin' }).first().waitFor();
    const rows = await gridRows(page).allInnerTexts();
    expect(rows.join('\n')).toContain('Agnès Martin');
    expect(consoleErrors).toEqual([]);

    const agent = await signInApi(baseUrl(), DEMO.agent.email, DEMO.agent.password);
    const mine = (await (
      await agent.request('GET', '/api/v1/anomalies?assignee=me&budget=62')
    ).json()) as AnomalyPageDto;
    expect(mine.rows.some((r) => r.idFacture === idFacture && r.state === 'EN_COURS')).toBe(true);
  });
});

describe('journey 2: an agent sends an invoice with a wrong engagement back à recycler', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('reads the drafted comment naming the right value, sends it, and the Chorus status becomes A_RECYCLER', async () => {
    const agent = await signInApi(baseUrl(), DEMO.agent.email, DEMO.agent.password);
    const candidates = (await (
      await agent.request(
        'GET',
        '/api/v1/anomalies?code=ENGAGEMENT_MAL_FORME&chorusStatus=MISE_A_DISPOSITION&limit=50',
      )
    ).json()) as AnomalyPageDto;
    const target = candidates.rows.find((r) => typeof r.details['suggestion'] === 'string');
    expect(target).toBeDefined();
    const suggestion = String(target?.details['suggestion']);

    const page = await browser.newPage({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    await signInAs(page, baseUrl(), 'agent');
    await page.goto(
      `${baseUrl()}/anomalies?code=ENGAGEMENT_MAL_FORME&q=${encodeURIComponent(target?.invoiceNumber ?? '')}`,
    );
    // The row of that invoice (placeholders show until the block arrives; q may match others).
    const row = gridRows(page)
      .filter({ hasText: target?.invoiceNumber ?? '' })
      .first();
    await row.waitFor();
    await row.click();
    await page.waitForURL(new RegExp(`/factures/${target?.idFacture}`));

    const comment = page.getByLabel('Commentaire pour le fournisseur');
    await comment.waitFor();
    const drafted = await comment.inputValue();
    expect(drafted).toContain(suggestion);
    expect(drafted.length).toBeLessThanOrEqual(255);
    expect(await page.locator('#recycle-counter').innerText()).toMatch(
      new RegExp(`${drafted.length}\\s*/\\s*255`),
    );
    await screenshot(page, 'journey2-recycle-panel');

    await page.getByRole('button', { name: 'Envoyer à recycler' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.locator('blockquote').innerText()).toBe(drafted);
    await dialog.getByRole('button', { name: 'Envoyer à recycler' }).click();
    await page.getByText(/Facture renvoyée à recycler/).waitFor();
    await screenshot(page, 'journey2-sent');

    const detail = (await (
      await agent.request('GET', `/api/v1/invoices/${target?.idFacture}`)
    ).json()) as InvoiceDetailDto;
    expect(detail.chorus.status).toBe('A_RECYCLER');
    expect(detail.chorus.statusComment).toBe(drafted);
    await page.reload();
    await page.getByRole('heading', { name: /Facture n° / }).waitFor();
    expect(await page.locator('main').innerText()).toMatch(/À recycler/);
  });
});
