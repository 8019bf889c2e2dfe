import type { ApiErrorBody, AstreImportDto, AstreImportLineErrorDto } from '@cd31/contracts';
import { DataSource } from 'typeorm';
import { startTestApp, type SignedInClient, type TestApp } from '../../test/test-app';
import { AstreImportsService } from './astre-imports.service';

const HEADER =
  'Budget;Exercice;N° Chorus;N° facture;SIRET fournisseur;Fournisseur;Date facture;Date intégration;Montant TTC;N° engagement;Code service;Etat';

function facturesCsv(lines: string[]): Buffer {
  return Buffer.from(`\uFEFF${[HEADER, ...lines].join('\r\n')}\r\n`, 'utf8');
}

const VALID_LINES = [
  '62;2025;1001;F-2025-001;732 829 320 00074;Laboratoire Analyses Sud;03/02/2025;10/02/2025;1 234,56;CP2025/X123456/1;EVA01;Intégrée',
  '1;2025;;F-2025-002;73282932000074;Laboratoire Analyses Sud;04/02/2025;11/02/2025;-120,00;AP2025/1234;;Mandatée',
];

describe('ASTRE imports', () => {
  let testApp: TestApp;
  let agent: SignedInClient;

  beforeAll(async () => {
    testApp = await startTestApp();
    agent = await testApp.signIn('agent');
  });

  afterAll(async () => {
    await testApp.close();
  });

  const upload = (body: Buffer, name = 'export-astre.csv') =>
    agent
      .post('/api/v1/astre-imports')
      .set('Content-Type', 'application/octet-stream')
      .set('X-File-Name', encodeURIComponent(name))
      .send(body);

  const storedInvoices = async (): Promise<number> => {
    const [row] = await testApp.app
      .get(DataSource)
      .query<{ n: number }[]>('SELECT count(*)::int AS n FROM astre_invoice');
    return row?.n ?? -1;
  };

  it('previews a valid file without importing it, then imports it on confirmation', async () => {
    // The first import into an empty table builds the table's indexes after its rows: the same
    // rows and the same indexes as the row-by-row way.
    const service = testApp.app.get(AstreImportsService);
    const db = testApp.app.get(DataSource);
    const indexes = (): Promise<unknown[]> =>
      db.query(
        `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'astre_invoice' ORDER BY 1`,
      );
    const constraints = (): Promise<unknown[]> =>
      db.query(
        `SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
          WHERE conrelid = 'astre_invoice'::regclass ORDER BY 1`,
      );
    const indexesBefore = await indexes();
    const constraintsBefore = await constraints();
    service.firstFillMinRows = 1;

    const preview = (await upload(facturesCsv(VALID_LINES)).expect(201)).body as AstreImportDto;
    expect(preview).toMatchObject({
      status: 'preview',
      kind: 'factures',
      fileName: 'export-astre.csv',
      counts: { rowsRead: 2, valid: 2, invalid: 0, new: 2, updated: 0, unchanged: 0 },
    });
    expect(await storedInvoices()).toBe(0);

    const confirmed = (
      await agent
        .post(`/api/v1/astre-imports/${preview.id}/confirm`)
        .send({ mode: 'all-or-nothing' })
        .expect(200)
    ).body as AstreImportDto;
    expect(confirmed).toMatchObject({
      status: 'confirmed',
      counts: { imported: 2 },
      uploadedBy: 'agent@demo.cd31.fr',
    });
    service.firstFillMinRows = 20_000;
    expect(await storedInvoices()).toBe(2);
    expect(await indexes()).toEqual(indexesBefore);
    expect(indexesBefore.length).toBeGreaterThan(2);
    // The primary key, dropped for the fill, is back under its name.
    expect(await constraints()).toEqual(constraintsBefore);
    expect(constraintsBefore).toContainEqual({
      conname: 'astre_invoice_pkey',
      definition: 'PRIMARY KEY (row_key)',
    });
  });

  it('answers "déjà importé" to the same file and changes nothing', async () => {
    const response = await upload(facturesCsv(VALID_LINES)).expect(409);
    expect((response.body as ApiErrorBody).message).toMatch(/déjà été importé/);
    expect(await storedInvoices()).toBe(2);
  });

  it('counts unchanged and updated rows of a later export, and never deletes', async () => {
    const later = [VALID_LINES[0].replace('Intégrée', 'Service fait')];
    const preview = (await upload(facturesCsv(later), 'export-2.csv').expect(201))
      .body as AstreImportDto;
    expect(preview.counts).toMatchObject({ new: 0, updated: 1, unchanged: 0 });
    await agent
      .post(`/api/v1/astre-imports/${preview.id}/confirm`)
      .send({ mode: 'all-or-nothing' })
      .expect(200);
    const rows = await testApp.app
      .get(DataSource)
      .query<{ etat: string }[]>(`SELECT etat FROM astre_invoice ORDER BY invoice_number`);
    expect(rows.map((r) => r.etat)).toEqual(['SERVICE_FAIT', 'MANDATEE']);
  });

  it('stores text exactly, whatever the staging COPY must escape (backslash, tab, line break)', async () => {
    const name = 'Entreprise "A\\B"\tC\r\nD \\N';
    const quoted = `"${name.replace(/"/g, '""')}"`;
    const file = facturesCsv([
      `62;2025;6001;F\\6001;73282932000074;${quoted};03/02/2025;10/02/2025;5,00;;;Intégrée`,
    ]);
    const preview = (await upload(file, 'echappements.csv').expect(201)).body as AstreImportDto;
    expect(preview.counts).toMatchObject({ valid: 1, invalid: 0 });
    await agent
      .post(`/api/v1/astre-imports/${preview.id}/confirm`)
      .send({ mode: 'all-or-nothing' })
      .expect(200);
    const [row] = await testApp.app
      .get(DataSource)
      .query<
        { supplier_name: string; invoice_number: string; service_code: string | null }[]
      >(`SELECT supplier_name, invoice_number, service_code FROM astre_invoice WHERE chorus_invoice_id = 6001`);
    expect(row).toEqual({ supplier_name: name, invoice_number: 'F\\6001', service_code: null });
  });

  it('sets aside a line that repeats an earlier one, naming that line', async () => {
    const line = (amount: string): string =>
      `62;2025;5001;F-2025-501;73282932000074;Laboratoire Analyses Sud;03/02/2025;10/02/2025;${amount};CP2025/X123456/1;EVA01;Intégrée`;
    const other =
      '62;2025;5002;F-2025-502;73282932000074;Laboratoire Analyses Sud;03/02/2025;10/02/2025;10,00;CP2025/X123456/1;EVA01;Intégrée';
    const preview = (await upload(facturesCsv([line('1,00'), other, line('2,00')])).expect(201))
      .body as AstreImportDto;
    expect(preview.counts).toMatchObject({ rowsRead: 3, valid: 2, invalid: 1 });
    const errors = (await agent.get(`/api/v1/astre-imports/${preview.id}/errors`).expect(200))
      .body as AstreImportLineErrorDto[];
    await agent.post(`/api/v1/astre-imports/${preview.id}/cancel`).expect(200);
    expect(errors).toEqual([
      expect.objectContaining({
        line: 4,
        reason: 'Ligne en double : même facture qu’à la ligne 2.',
      }),
    ]);
  });

  it('lists every invalid line in French and refuses an all-or-nothing import of it', async () => {
    const file = facturesCsv([
      '62;2025;2001;F-BAD-1;73282932000074;X;31/02/2025;10/02/2025;12,3,4;;;Intégrée',
      '62;2025;2002;F-OK-2;73282932000074;X;01/02/2025;10/02/2025;10,00;;;Intégrée',
    ]);
    const preview = (await upload(file, 'mauvais.csv').expect(201)).body as AstreImportDto;
    expect(preview.counts).toMatchObject({ valid: 1, invalid: 1 });
    expect(preview.lineErrors.map((e) => e.line)).toEqual([2, 2]);
    expect(preview.lineErrors.map((e) => e.reason).join(' ')).toMatch(/31\/02\/2025/);
    const refused = await agent
      .post(`/api/v1/astre-imports/${preview.id}/confirm`)
      .send({ mode: 'all-or-nothing' })
      .expect(422);
    expect((refused.body as ApiErrorBody).message).toMatch(/1 ligne\(s\) invalide\(s\)/);
    const before = await storedInvoices();

    const partial = (
      await agent
        .post(`/api/v1/astre-imports/${preview.id}/confirm`)
        .send({ mode: 'valid-only' })
        .expect(200)
    ).body as AstreImportDto;
    expect(partial.counts.imported).toBe(1);
    expect(await storedInvoices()).toBe(before + 1);
  });

  it('refuses a file-level problem with a French message, records it, and writes nothing', async () => {
    const before = await storedInvoices();
    const missingColumn = Buffer.from('Budget;N° facture;Etat\r\n62;F1;Intégrée\r\n', 'utf8');
    const response = await upload(missingColumn, 'incomplet.csv').expect(422);
    expect((response.body as ApiErrorBody).message).toMatch(/Colonne|colonne/);
    expect(await storedInvoices()).toBe(before);
    const history = (await agent.get('/api/v1/astre-imports').expect(200)).body as AstreImportDto[];
    expect(history[0]).toMatchObject({ fileName: 'incomplet.csv', status: 'refused' });
  });

  it('cancels a preview: its staged rows are gone and it cannot be confirmed', async () => {
    const preview = (
      await upload(
        facturesCsv(['65;2025;3001;F-C-1;73282932000074;X;01/02/2025;10/02/2025;10,00;;;Intégrée']),
        'c.csv',
      ).expect(201)
    ).body as AstreImportDto;
    await agent.post(`/api/v1/astre-imports/${preview.id}/cancel`).expect(200);
    await agent
      .post(`/api/v1/astre-imports/${preview.id}/confirm`)
      .send({ mode: 'valid-only' })
      .expect(409);
    const [staged] = await testApp.app
      .get(DataSource)
      .query<{ n: number }[]>('SELECT count(*)::int AS n FROM astre_invoice_staging');
    expect(staged?.n).toBe(0);
  });

  it('refuses a file name with a path, without side effects', async () => {
    const before = (await agent.get('/api/v1/astre-imports').expect(200)).body as AstreImportDto[];
    const response = await upload(facturesCsv(VALID_LINES), '../../etc/passwd').expect(400);
    expect((response.body as ApiErrorBody).message).toMatch(/Nom de fichier/);
    const after = (await agent.get('/api/v1/astre-imports').expect(200)).body as AstreImportDto[];
    expect(after).toHaveLength(before.length);
  });

  it('refuses an upload over the size limit', async () => {
    const small = await startTestApp({ env: { ASTRE_MAX_UPLOAD_MB: '1' }, db: testApp.db });
    try {
      const client = await small.signIn('agent');
      const big = Buffer.alloc(1024 * 1024 + 10, 'a');
      const response = await client
        .post('/api/v1/astre-imports')
        .set('Content-Type', 'application/octet-stream')
        .set('X-File-Name', 'gros.csv')
        .send(big)
        .expect(413);
      expect((response.body as ApiErrorBody).message).toMatch(/trop volumineux/);
    } finally {
      await small.close();
    }
  });

  it('records every import action in the audit trail', async () => {
    const rows = await testApp.app
      .get(DataSource)
      .query<
        { action: string }[]
      >(`SELECT DISTINCT action FROM audit_event WHERE target_type = 'astre_import'`);
    expect(rows.map((r) => r.action).sort()).toEqual([
      'astre_import.cancel',
      'astre_import.confirm',
      'astre_import.preview',
      'astre_import.refused',
    ]);
  });

  it('does not let a gestionnaire import', async () => {
    const manager = await testApp.signIn('gestionnaire');
    await manager
      .post('/api/v1/astre-imports')
      .set('Content-Type', 'application/octet-stream')
      .set('X-File-Name', 'x.csv')
      .send(facturesCsv(VALID_LINES))
      .expect(403);
  });
});
