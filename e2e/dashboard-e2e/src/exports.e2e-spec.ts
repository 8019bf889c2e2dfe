import ExcelJS from 'exceljs';
import * as fs from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from './support/browser';
import { announcedTotal } from './support/grid';
import { signInAs } from './support/journeys';
import { baseUrl } from './support/shared';

describe('journey 4: exporting exactly the filtered list', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('downloads a CSV for French Excel and a typed XLSX with the same rows as the view', async () => {
    const context = await browser.newContext({
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await signInAs(page, baseUrl(), 'gestionnaire');
    await page.goto(`${baseUrl()}/anomalies?code=DGP_DEPASSE&code=DGP_MENACE`);
    const total = await announcedTotal(page);
    expect(total).toBeGreaterThan(0);
    await screenshot(page, 'journey4-view');

    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Exporter en CSV' }).click(),
    ]);
    const csv = await fs.readFile((await csvDownload.path()) ?? '', 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv
      .slice(1)
      .split('\r\n')
      .filter((line) => line !== '');
    expect(lines).toHaveLength(total + 1);
    expect(lines[0]).toContain(';');
    expect(lines[0]).toMatch(/Budget/);
    expect(lines.slice(1).join('\n')).toMatch(/\d{2}\/\d{2}\/\d{4}/);
    expect(lines.slice(1).join('\n')).toMatch(/\d,\d{2}/);
    expect(lines.slice(1).join('\n')).toMatch(/Délai global de paiement|DGP/i);

    const [xlsxDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Exporter en XLSX' }).click(),
    ]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile((await xlsxDownload.path()) ?? '');
    const sheet = workbook.worksheets[0];
    expect(sheet?.rowCount).toBe(total + 1);
    const values = sheet?.getRow(2).values as unknown[];
    expect(values.some((v) => v instanceof Date)).toBe(true);
    expect(values.some((v) => typeof v === 'number')).toBe(true);
    await context.close();
  });
});
