import type { AnomalyPageDto } from '@cd31/contracts';
import { parisCalendarDate } from '@cd31/domain';
import ExcelJS from 'exceljs';
import type { Response } from 'express';
import type * as http from 'node:http';
import { Writable } from 'node:stream';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startTestApp, type SignedInClient, type TestApp } from '../../test/test-app';
import { ReconciliationService } from '../reconciliation/reconciliation.service';
import { ANOMALY_EXPORT_COLUMNS } from './anomaly-export-columns';
import { AnomalyExportService } from './anomaly-export.service';
import type { ExportFormat } from './anomaly-export-writers';

/** Pinned reconciliation "today": Wednesday 12 March 2025, noon in Paris. */
const NOW = new Date('2025-03-12T11:00:00Z');
const daysAgo = (days: number): Date => new Date(NOW.getTime() - days * 86_400_000);
const HEADERS = ANOMALY_EXPORT_COLUMNS.map((c) => c.header);
const column = (header: string): number => HEADERS.indexOf(header);

/** A small reader for the exported CSV: `;` cells, `"` quoting with doubled quotes, CRLF lines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ';') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      cell += ch;
    }
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** supertest body parser keeping the raw bytes (for the XLSX). */
function binary(
  res: request.Response,
  callback: (error: Error | null, body: Buffer) => void,
): void {
  const stream = res as unknown as http.IncomingMessage;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
}

/** A response whose client reads nothing until told to: the export must wait for it. */
class StalledResponse extends Writable {
  statusCode = 0;
  bytes = 0;
  finished = false;
  private readonly headers = new Map<string, string>();
  private pending: (() => void)[] = [];
  private stalled = true;

  constructor() {
    super({ highWaterMark: 16 * 1024 });
    this.on('finish', () => {
      this.finished = true;
    });
  }

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  setHeader(name: string, value: string): this {
    this.headers.set(name.toLowerCase(), value);
    return this;
  }

  /** The export is blocked on this response. */
  waiting(): boolean {
    return this.writableNeedDrain && this.pending.length > 0;
  }

  flow(): void {
    this.stalled = false;
    for (const callback of this.pending.splice(0)) {
      callback();
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.bytes += chunk.length;
    if (this.stalled) {
      this.pending.push(callback);
    } else {
      callback();
    }
  }
}

async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200 && !condition(); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(condition()).toBe(true);
}

async function loadXlsx(body: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) {
    throw new Error('no sheet');
  }
  return sheet;
}

describe('anomaly exports', () => {
  let testApp: TestApp;
  let db: DataSource;
  let agent: SignedInClient;

  beforeAll(async () => {
    testApp = await startTestApp();
    db = testApp.app.get(DataSource);
    agent = await testApp.signIn('agent');
    const invoices: {
      id: number;
      supplier: string;
      statut?: string;
      ttc?: string;
      type?: string;
      madDaysAgo?: number;
    }[] = [
      { id: 1, supplier: '=HYPERLINK("http://x")', ttc: '1234.56' },
      { id: 2, supplier: '+33 5 61 00 00 00', ttc: '99.90' },
      { id: 3, supplier: '-AB', ttc: '12000.00' },
      { id: 4, supplier: '@foo', ttc: '10.00' },
      { id: 5, supplier: 'Fournitures; "Le Grand" Atelier', ttc: '-90.00', type: 'AVOIR' },
      // 35 days: late, euros at risk.
      {
        id: 6,
        supplier: 'Béton Toulousain',
        ttc: '10000.00',
        statut: 'SERVICE_FAIT',
        madDaysAgo: 35,
      },
    ];
    for (const invoice of invoices) {
      await db.query(
        `INSERT INTO chorus_invoice (id_facture, budget_id, numero_facture, type_facture, code_fournisseur,
            designation_fournisseur, code_destinataire, code_service_executant, montant_ttc, statut,
            numero_bon_commande, date_heure_etat_courant, first_mad_at)
         SELECT $1, b.id, $2, $3, '73282932000074', $4, b.siret, 'EVA01', $5, $6, 'CP2025/X123456/1', $7, $7
           FROM budget b WHERE b.code = '62'`,
        [
          invoice.id,
          `F-${invoice.id}`,
          invoice.type ?? 'FACTURE',
          invoice.supplier,
          invoice.ttc,
          invoice.statut ?? 'MISE_A_DISPOSITION',
          daysAgo(invoice.madDaysAgo ?? 10),
        ],
      );
    }
    await testApp.app.get(ReconciliationService).run({ kind: 'all' }, 'test', NOW);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('exports as CSV exactly the rows, in the order, of the list for the same query', async () => {
    for (const query of [
      'budget=62',
      'budget=62&sort=supplier&dir=asc',
      'budget=62&sort=amountTtc&dir=desc&severity=CRITIQUE&severity=MAJEURE',
      'budget=62&q=F-1',
    ]) {
      const list = await agent.get(`/api/v1/anomalies?${query}&limit=500`).expect(200);
      const page = list.body as AnomalyPageDto;
      expect(page.total).toBeGreaterThan(0);
      // offset and limit are ignored: the export is the whole view.
      const csv = await agent
        .get(`/api/v1/anomalies/export.csv?${query}&offset=1&limit=1`)
        .expect(200);
      const [header, ...rows] = parseCsv(csv.text.replace(/^\uFEFF/, ''));
      expect(header).toEqual(HEADERS);
      expect(rows.map((r) => r[column('Id anomalie')])).toEqual(page.rows.map((r) => String(r.id)));
      expect(rows.map((r) => r[column('Montant TTC')])).toEqual(
        page.rows.map((r) => (r.amountTtc ?? '').replace('.', ',')),
      );
    }
  });

  it('writes CSV for French Excel: BOM, semicolons, CRLF, comma decimals, dd/mm/yyyy, French labels', async () => {
    const response = await agent.get('/api/v1/anomalies/export.csv?budget=62').expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="anomalies-${parisCalendarDate(new Date())}.csv"`,
    );
    expect(response.headers['cache-control']).toBe('no-store');
    const text = response.text;
    expect(text.startsWith('\uFEFFBudget;Libellé budget;Code anomalie;Anomalie;Gravité;')).toBe(
      true,
    );
    expect(text.split('\r\n').length).toBeGreaterThan(2);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);

    const rows = parseCsv(text.replace(/^\uFEFF/, '')).slice(1);
    const late = rows.find(
      (r) => r[column('Code anomalie')] === 'DGP_DEPASSE' && r[column('Id Chorus')] === '6',
    );
    expect(late).toBeDefined();
    expect(late?.[column('Anomalie')]).toBe('Délai de paiement dépassé');
    expect(late?.[column('Gravité')]).toBe('Critique');
    expect(late?.[column('Responsable de l’action')]).toBe('Service gestionnaire');
    expect(late?.[column('État')]).toBe('Ouverte');
    expect(late?.[column('Statut Chorus Pro')]).toBe('Service fait');
    expect(late?.[column('Montant TTC')]).toBe('10000,00');
    expect(late?.[column('Jours de retard')]).toMatch(/^\d+$/);
    expect(late?.[column('Euros à risque')]).toMatch(/^\d+,\d{2}$/);
    expect(late?.[column('Détectée le')]).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    expect(late?.[column('Budget')]).toBe('62');
    expect(late?.[column('Libellé budget')]).toBe('Laboratoire Eau Air (EVA)');
  });

  it('neutralises text cells that a spreadsheet would run, and keeps negative amounts numbers', async () => {
    const response = await agent.get('/api/v1/anomalies/export.csv?budget=62').expect(200);
    const lines = response.text.split('\r\n');
    const suppliers = parseCsv(response.text.replace(/^\uFEFF/, ''))
      .slice(1)
      .map((r) => r[column('Fournisseur')]);
    expect(suppliers).toEqual(
      expect.arrayContaining([
        `'=HYPERLINK("http://x")`,
        `'+33 5 61 00 00 00`,
        `'-AB`,
        `'@foo`,
        'Fournitures; "Le Grand" Atelier',
      ]),
    );
    // The raw text: quotes doubled inside a quoted cell, nothing starts a cell with a formula.
    expect(response.text).toContain(`;"'=HYPERLINK(""http://x"")";`);
    expect(response.text).toContain(`;"Fournitures; ""Le Grand"" Atelier";`);
    for (const line of lines) {
      expect(line).not.toMatch(/(^|;)"?[=+@]/);
    }
    // The credit note: -90,00, a number (not prefixed, not quoted).
    const avoir = lines.find((l) => l.includes(';AVOIR_DEPOSE;'));
    expect(avoir).toContain(';-90,00;');
  });

  it('exports XLSX with typed cells, a bold frozen header, an autofilter and a French sheet name', async () => {
    const response = await agent
      .get('/api/v1/anomalies/export.xlsx?budget=62&sort=amountTtc&dir=asc')
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="anomalies-${parisCalendarDate(new Date())}.xlsx"`,
    );
    const list = (await agent.get('/api/v1/anomalies?budget=62&sort=amountTtc&dir=asc&limit=500'))
      .body as AnomalyPageDto;

    const sheet = await loadXlsx(response.body as Buffer);
    expect(sheet.name).toBe('Anomalies');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBeTruthy();
    const header = sheet.getRow(1);
    expect(HEADERS.map((_, i) => header.getCell(i + 1).value)).toEqual(HEADERS);
    expect(header.getCell(1).font?.bold).toBe(true);
    expect(sheet.rowCount).toBe(list.rows.length + 1);

    const ids: string[] = [];
    sheet.eachRow((row, index) => {
      if (index > 1) {
        ids.push(row.getCell(column('Id anomalie') + 1).text);
      }
    });
    expect(ids).toEqual(list.rows.map((r) => String(r.id)));

    const first = sheet.getRow(2); // the credit note, the smallest amount
    const amount = first.getCell(column('Montant TTC') + 1);
    expect(amount.value).toBe(-90);
    expect(amount.numFmt).toContain('#,##0.00');
    const detected = first.getCell(column('Détectée le') + 1);
    expect(detected.value).toBeInstanceOf(Date);
    expect(detected.numFmt).toBe('dd/mm/yyyy');
    expect(typeof first.getCell(column('Jours au statut') + 1).value).toBe('number');
    expect(first.getCell(column('Budget') + 1).value).toBe('62');

    const suppliers: unknown[] = [];
    sheet.eachRow((row, index) => {
      if (index > 1) {
        suppliers.push(row.getCell(column('Fournisseur') + 1).value);
      }
    });
    expect(suppliers).toEqual(
      expect.arrayContaining([`'=HYPERLINK("http://x")`, `'+33 5 61 00 00 00`, `'-AB`, `'@foo`]),
    );
  });

  it('reaches the export routes, not the anomaly detail (`anomalies/:id`)', async () => {
    await agent
      .get('/api/v1/anomalies/export.csv')
      .expect(200)
      .expect('content-type', /text\/csv/);
    await agent.get('/api/v1/anomalies/export.xlsx').buffer(true).parse(binary).expect(200);
  });

  it('lets a manager export, refuses an anonymous call, and audits the export with its filters', async () => {
    const manager = await testApp.signIn('gestionnaire');
    await manager.get('/api/v1/anomalies/export.csv?budget=62&code=DGP_DEPASSE').expect(200);
    const anonymous = await request(testApp.http).get('/api/v1/anomalies/export.csv').expect(401);
    expect(anonymous.body).toMatchObject({ statusCode: 401 });
    const [entry] = await db.query<{ actor_email: string; after: unknown }[]>(
      `SELECT actor_email, after FROM audit_event WHERE action = 'anomaly.export' ORDER BY id DESC LIMIT 1`,
    );
    expect(entry).toEqual({
      actor_email: 'gestionnaire@demo.cd31.fr',
      after: { format: 'csv', filters: { budget: ['62'], code: ['DGP_DEPASSE'] } },
    });
  });

  it('answers an invalid query with the French JSON error, before any byte of file', async () => {
    const response = await agent.get('/api/v1/anomalies/export.xlsx?severity=GRAVE').expect(400);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.headers['content-disposition']).toBeUndefined();
    expect(response.body).toMatchObject({ statusCode: 400, message: 'Gravité inconnue.' });
  });

  describe('a large view', () => {
    beforeAll(async () => {
      await db.query(
        `INSERT INTO chorus_invoice (id_facture, budget_id, numero_facture, code_fournisseur, designation_fournisseur,
            montant_ttc, statut, date_heure_etat_courant, first_mad_at)
         SELECT 100000 + i, b.id, 'BULK-' || i, '73282932000074', 'Fournisseur ' || i, (i * 1.5)::numeric(15,2),
                'MISE_A_DISPOSITION', now() - interval '10 days', now() - interval '10 days'
           FROM budget b, generate_series(1, 5000) AS i WHERE b.code = '43'`,
      );
      await db.query(
        `INSERT INTO anomaly (code, subject_key, id_facture, budget_id, severity, actor, budget_code,
            invoice_number, supplier_siret, supplier_name, amount_ttc, chorus_status, status_at)
         SELECT 'MAD_NON_INTEGREE', 'bulk:' || c.id_facture, c.id_facture, c.budget_id, 'CRITIQUE', 'SIF', '43',
                c.numero_facture, c.code_fournisseur, c.designation_fournisseur, c.montant_ttc, c.statut,
                c.date_heure_etat_courant
           FROM chorus_invoice c WHERE c.id_facture > 100000`,
      );
    });

    it('exports 5 000 rows as CSV and XLSX', async () => {
      const csv = await agent.get('/api/v1/anomalies/export.csv?budget=43&sort=amountTtc&dir=asc');
      expect(csv.status).toBe(200);
      const rows = parseCsv(csv.text.replace(/^\uFEFF/, ''));
      expect(rows).toHaveLength(5001);
      expect(rows[1]?.[column('Montant TTC')]).toBe('1,50');
      expect(rows[5000]?.[column('Montant TTC')]).toBe('7500,00');

      const xlsx = await agent
        .get('/api/v1/anomalies/export.xlsx?budget=43')
        .buffer(true)
        .parse(binary)
        .expect(200);
      const sheet = await loadXlsx(xlsx.body as Buffer);
      expect(sheet.rowCount).toBe(5001);
    });

    it.each(['csv', 'xlsx'] as const)(
      'waits for a slow client, and stops reading the database when it goes away (%s)',
      async (format) => {
        const response = new StalledResponse();
        const exporting = exportTo(response, format);
        await until(() => response.waiting());
        // Paced by the client: one batch or so went out, the rest waits in the database.
        expect(response.bytes).toBeLessThan(1024 * 1024);
        expect(await openCursors()).toBe(1);

        response.destroy();
        await exporting;
        expect(response.finished).toBe(false);
        expect(await openCursors()).toBe(0);
      },
    );

    it('aborts the download when the database fails after the first byte', async () => {
      const response = new StalledResponse();
      const exporting = exportTo(response);
      await until(() => response.waiting());
      await db.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND query LIKE 'FETCH%'`,
      );
      response.flow();
      await exporting;
      expect(response.statusCode).toBe(200);
      expect(response.destroyed).toBe(true);
      expect(response.finished).toBe(false);
      // The pool is still usable.
      await agent.get('/api/v1/anomalies/export.csv?budget=62').expect(200);
    });

    it('refuses a fourth export while three hold a database connection', async () => {
      const stalled = [new StalledResponse(), new StalledResponse(), new StalledResponse()];
      const running = stalled.map((response) => exportTo(response));
      await until(() => stalled.every((response) => response.waiting()));
      const refused = await agent.get('/api/v1/anomalies/export.csv?budget=62').expect(429);
      expect(refused.body).toMatchObject({
        message: 'Trop d’exports en cours : réessayez dans quelques instants.',
      });
      for (const response of stalled) {
        response.destroy();
      }
      await Promise.all(running);
      await agent.get('/api/v1/anomalies/export.csv?budget=62').expect(200);
    });

    async function exportTo(
      response: StalledResponse,
      format: ExportFormat = 'csv',
    ): Promise<void> {
      const [user] = await db.query<{ id: string }[]>(
        `SELECT id FROM app_user WHERE email = 'agent@demo.cd31.fr'`,
      );
      return testApp.app.get(AnomalyExportService).export(
        format,
        { budget: ['43'] },
        {
          id: user?.id ?? '',
          email: 'agent@demo.cd31.fr',
          displayName: 'Agent',
          role: 'agent',
          budgetCodes: null,
          sessionTokenHash: '',
          csrfToken: '',
          ip: null,
        },
        response as unknown as Response,
      );
    }

    async function openCursors(): Promise<number> {
      const [row] = await db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND state LIKE 'idle in transaction%' AND query LIKE 'FETCH%'`,
      );
      return row?.n ?? 0;
    }
  });
});
