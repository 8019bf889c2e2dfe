import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot } from './support/browser';
import { DEMO, signInApi } from './support/api-client';
import { signInAs } from './support/journeys';
import { baseUrl } from './support/shared';

const HEADER =
  'Budget;Exercice;N° Chorus;N° facture;SIRET fournisseur;Fournisseur;Date facture;Date intégration;Montant TTC;N° engagement;Code service;Etat';

function file(name: string, lines: string[]): { name: string; mimeType: string; buffer: Buffer } {
  return {
    name,
    mimeType: 'text/csv',
    buffer: Buffer.from(`\uFEFF${[HEADER, ...lines].join('\r\n')}\r\n`, 'utf8'),
  };
}

async function confirmedImports(): Promise<number> {
  const admin = await signInApi(baseUrl(), DEMO.admin.email, DEMO.admin.password);
  const imports = (await (await admin.request('GET', '/api/v1/astre-imports')).json()) as {
    status: string;
  }[];
  return imports.filter((i) => i.status === 'confirmed').length;
}

describe('journey 5: importing ASTRE exports', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    await signInAs(page, baseUrl(), 'agent');
    await page.goto(`${baseUrl()}/imports`);
    await page.getByRole('heading', { name: 'Imports ASTRE', level: 1 }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('refuses a file without a required column with a French report, and changes nothing', async () => {
    const before = await confirmedImports();
    await page.locator('input[type=file]').setInputFiles({
      name: 'export-incomplet.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Budget;N° facture;Etat\r\n62;F-1;Intégrée\r\n', 'utf8'),
    });
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/colonne/i);
    await page.getByRole('cell', { name: 'export-incomplet.csv' }).waitFor();
    expect(
      await page.locator('tbody tr', { hasText: 'export-incomplet.csv' }).innerText(),
    ).toContain('Refusé');
    await screenshot(page, 'imports-refused');
    expect(await confirmedImports()).toBe(before);
  });

  it('shows every invalid line of a malformed file, offers no full import, and cancels cleanly', async () => {
    const before = await confirmedImports();
    await page
      .locator('input[type=file]')
      .setInputFiles(
        file('export-lignes-invalides.csv', [
          '62;2025;;F-E2E-1;73282932000074;Labo Sud;31/02/2025;10/03/2025;12,3,4;;;Intégrée',
          '62;2025;;F-E2E-2;73282932000074;Labo Sud;01/03/2025;10/03/2025;10,00;;;Intégrée',
        ]),
      );
    await page
      .getByRole('heading', { name: /Aperçu de « export-lignes-invalides.csv »/ })
      .waitFor();
    const errors = await page.locator('table.errors tbody').innerText();
    expect(errors).toContain('31/02/2025');
    expect(errors).toMatch(/12,3,4/);
    expect(await page.getByRole('button', { name: 'Importer le fichier' }).isDisabled()).toBe(true);
    expect(await page.locator('#why-disabled').innerText()).toMatch(/lignes invalides/);
    await screenshot(page, 'imports-invalid-preview');
    await page.getByRole('button', { name: "Annuler l'import" }).click();
    await page.getByText('Import annulé').waitFor();
    expect(await confirmedImports()).toBe(before);
  });

  it('previews a valid file, then imports it after confirmation', async () => {
    const before = await confirmedImports();
    await page
      .locator('input[type=file]')
      .setInputFiles(
        file('export-e2e-valide.csv', [
          '62;2025;;F-E2E-10;73282932000074;Labo Sud;01/03/2025;10/03/2025;1 234,56;CP2025/X123456/1;;Intégrée',
          '01;2025;;F-E2E-11;73282932000074;Labo Sud;02/03/2025;11/03/2025;99,90;AP2025/1234;;Mandatée',
        ]),
      );
    await page.getByRole('heading', { name: /Aperçu de « export-e2e-valide.csv »/ }).waitFor();
    expect(await page.locator('dl.counts').innerText()).toMatch(/Valides\s*2/);
    await page.getByRole('button', { name: 'Importer le fichier' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('export-e2e-valide.csv');
    await dialog.getByRole('button', { name: 'Importer' }).click();
    await page.getByText(/Import de « export-e2e-valide.csv » terminé : 2 ligne/).waitFor();
    await screenshot(page, 'imports-done');
    expect(await confirmedImports()).toBe(before + 1);
  });
});
