import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  anInvoiceRow,
  encodeWindows1252,
  invoiceCsvHeader,
  invoiceCsvLine,
  writeInvoiceCsv,
} from '../testing/astre-csv-writer';
import { collectImport, failedImport, streamOf } from '../testing/collect';
import { parseAstreExport } from './parse-astre-export';

const HEADER =
  'Budget;Exercice;N° Chorus;N° facture;SIRET fournisseur;Fournisseur;Date facture;' +
  'Date intégration;Montant TTC;N° engagement;Code service;Etat;N° mandat;Date mandat';
const LINE =
  '1;2025;4512345;FA-2025-0001;442 345 678 90127;Papeterie Occitane;28/02/2025;' +
  '03/03/2025;1 234,56;CP2025/X123456/1;DFD;Intégrée;;';

function csv(...lines: string[]): string {
  return lines.map((line) => `${line}\r\n`).join('');
}

describe('parseAstreExport — a factures CSV', () => {
  it('yields the header, one normalised row per line, then the summary', async () => {
    const result = await collectImport(streamOf(csv(HEADER, LINE)));

    expect(result.header).toMatchObject({
      type: 'header',
      line: 1,
      format: 'csv',
      kind: 'factures',
      separator: ';',
    });
    expect(result.rows).toEqual([{ type: 'row', line: 2, row: anInvoiceRow() }]);
    expect(result.errors).toEqual([]);
    expect(result.summary).toEqual({
      format: 'csv',
      kind: 'factures',
      encoding: 'utf-8',
      bom: false,
      separator: ';',
      headerLine: 1,
      rowsRead: 1,
      valid: 1,
      invalid: 0,
      lineErrors: 0,
      skippedTotalLine: null,
      blankLines: 0,
      unknownBudgetCodes: [],
    });
    expect(result.events.at(-1)?.type).toBe('end');
  });

  it('reads a file path as well as a stream', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'astre-import-'));
    try {
      const file = path.join(dir, 'factures.csv');
      await writeFile(file, csv(HEADER, LINE));
      const result = await collectImport(file);
      expect(result.rows.map((r) => r.row)).toEqual([anInvoiceRow()]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('matches headers in any order, case, accents, spacing and punctuation', async () => {
    const header =
      'ETAT;montant ttc;DATE INTEGRATION;siret  fournisseur;no facture;BUDGET;numero chorus';
    const line = 'payée;-120,00;3/3/2025;44234567890127;fa-1;62;99';
    const { rows } = await collectImport(streamOf(csv(header, line)));
    expect(rows[0]?.row).toMatchObject({
      etat: 'PAYEE',
      amountTtc: '-120.00',
      integrationDate: '2025-03-03',
      invoiceNumber: 'fa-1',
      budgetCode: '62',
      chorusInvoiceId: 99,
    });
  });

  it('ignores unknown columns', async () => {
    const { rows, header } = await collectImport(
      streamOf(csv(`Commentaire;${HEADER};Montant HT`, `à voir;${LINE};1 000,00`)),
    );
    expect(rows[0]?.row).toEqual(anInvoiceRow());
    expect(header?.columns[0]).toEqual({ index: 0, header: 'Commentaire', field: null });
    expect(header?.columns.at(-1)).toEqual({ index: 15, header: 'Montant HT', field: null });
  });

  it('detects a comma or a tab separator on the header line', async () => {
    for (const separator of [',', '\t'] as const) {
      const text = writeInvoiceCsv([anInvoiceRow({ supplierName: 'Dupont, Fils' })], { separator });
      const { rows, summary } = await collectImport(streamOf(text));
      expect(summary?.separator).toBe(separator);
      expect(rows[0]?.row.kind === 'factures' && rows[0].row.supplierName).toBe('Dupont, Fils');
    }
  });

  it('reads quoted fields holding separators, doubled quotes and line breaks', async () => {
    const text = csv(
      HEADER,
      LINE.replace('Papeterie Occitane', '"Dupont; ""Fils""\r\net Cie"'),
      LINE.replace('FA-2025-0001', 'FA-2'),
    );
    const { rows } = await collectImport(streamOf(text));
    expect(rows.map((r) => r.row.kind === 'factures' && r.row.supplierName)).toEqual([
      'Dupont; "Fils"\r\net Cie',
      'Papeterie Occitane',
    ]);
    // The first record spans lines 2 and 3: the next one starts on line 4.
    expect(rows.map((r) => r.line)).toEqual([2, 4]);
  });

  it('counts physical lines with LF, CRLF and lone CR line endings alike', async () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = [HEADER, '', LINE, LINE.replace('FA-2025-0001', 'FA-3')].join(eol) + eol;
      const { rows, summary } = await collectImport(streamOf(text));
      expect(rows.map((r) => r.line)).toEqual([3, 4]);
      expect(summary?.blankLines).toBe(1);
    }
  });

  it('ignores blank lines, lines of separators only and trailing empty columns', async () => {
    const text = csv('', `${HEADER};;;`, ';;;;', LINE + ';;;;', '', '   ');
    const { rows, summary } = await collectImport(streamOf(text));
    expect(rows).toEqual([{ type: 'row', line: 4, row: anInvoiceRow() }]);
    expect(summary).toMatchObject({ headerLine: 2, blankLines: 4, rowsRead: 1 });
  });

  it('follows a sep= line written for Excel, before the header', async () => {
    const text = csv(
      'sep=,',
      HEADER.replace(/;/g, ','),
      LINE.replace(/;/g, ',').replace('1 234,56', '"1 234,56"'),
    );
    const { rows, summary } = await collectImport(streamOf(text));
    expect(summary).toMatchObject({ separator: ',', headerLine: 2, blankLines: 0 });
    expect(rows).toEqual([{ type: 'row', line: 3, row: anInvoiceRow() }]);
  });

  it('reads ="…" cells, which keep leading zeros in Excel', async () => {
    const text = csv(
      HEADER,
      LINE.replace(/^1;/, '="01";').replace('442 345 678 90127', '="44234567890127"'),
    );
    const { rows } = await collectImport(streamOf(text));
    expect(rows.map((r) => r.row)).toEqual([anInvoiceRow()]);
  });

  it('treats missing trailing cells as empty', async () => {
    const header =
      'Budget;N° facture;SIRET fournisseur;Date intégration;Montant TTC;Etat;Fournisseur';
    const { rows } = await collectImport(
      streamOf(csv(header, '01;F1;44234567890127;01/01/2025;1,00;Payée')),
    );
    expect(rows[0]?.row).toMatchObject({ supplierName: null });
  });

  it('reports a line with more values than headers (an unquoted separator)', async () => {
    const { errors } = await collectImport(
      streamOf(csv(HEADER, `${LINE.replace('Papeterie Occitane', 'Dupont; Fils')}31/03/2025`)),
    );
    expect(errors[0]).toMatchObject({ line: 2, column: null });
    expect(errors[0]?.reason).toContain('15 colonnes pour un en-tête de 14');
  });

  it('reads UTF-8 with a BOM', async () => {
    const { rows, summary } = await collectImport(streamOf(`\uFEFF${csv(HEADER, LINE)}`));
    expect(rows).toHaveLength(1);
    expect(summary).toMatchObject({ encoding: 'utf-8', bom: true });
  });

  it('reads Windows-1252, accents and € included', async () => {
    const text = csv(HEADER, LINE.replace('Papeterie Occitane', 'Société Œuvre €'));
    const { rows, summary } = await collectImport(streamOf(encodeWindows1252(text)));
    expect(summary).toMatchObject({ encoding: 'windows-1252', bom: false });
    expect(rows[0]?.row).toMatchObject({ supplierName: 'Société Œuvre €', etat: 'INTEGREE' });
  });

  it('reads Windows-1252 whose first accent comes after megabytes of ASCII', async () => {
    const ascii = Array.from({ length: 20_000 }, (_, i) =>
      invoiceCsvLine(anInvoiceRow({ invoiceNumber: `A${i}`, etat: 'PAYEE', supplierName: 'ACME' })),
    );
    const text = csv(invoiceCsvHeader(), ...ascii, LINE.replace('Papeterie', 'Pépinière'));
    const { summary, rows } = await collectImport(streamOf(encodeWindows1252(text), 100_000));
    expect(summary).toMatchObject({ encoding: 'windows-1252', valid: 20_001 });
    expect(rows.at(-1)?.row).toMatchObject({ supplierName: 'Pépinière Occitane' });
  });

  it('reads UTF-8 characters split across chunks', async () => {
    const text = csv(HEADER, LINE.replace('Papeterie Occitane', 'Été Œ € ’'));
    const { rows } = await collectImport(streamOf(text, 1));
    expect(rows[0]?.row).toMatchObject({ supplierName: 'Été Œ € ’' });
  });

  it('accepts any chunking of the same file', async () => {
    const text = writeInvoiceCsv(
      [anInvoiceRow({ supplierName: 'a "b"\r\nc;d' }), anInvoiceRow({ invoiceNumber: 'X' })],
      { quoteAll: true },
    );
    const expected = await collectImport(streamOf(text));
    for (const size of [1, 2, 3, 7, 64]) {
      expect(await collectImport(streamOf(text, size))).toEqual(expected);
    }
  });

  it('accepts a stream of strings', async () => {
    const { rows } = await collectImport(Readable.from([csv(HEADER), csv(LINE)]));
    expect(rows).toHaveLength(1);
  });
});

describe('parseAstreExport — line errors', () => {
  it('reports every problem of a line, in French, with the column as written in the file', async () => {
    const line =
      '123;25;AB;;2231000170042A;;31/02/2025;2025-03-03;12,3,4;;;Validée;;' + '29/02/2023';
    const { errors, rows, summary } = await collectImport(streamOf(csv(HEADER, line)));
    expect(rows).toEqual([]);
    expect(errors.map(({ column, value, reason }) => ({ column, value, reason }))).toEqual([
      {
        column: 'Budget',
        value: '123',
        reason: 'Budget invalide : « 123 » (code à 2 chiffres attendu)',
      },
      {
        column: 'Exercice',
        value: '25',
        reason: 'Exercice invalide : « 25 » (année sur 4 chiffres attendue)',
      },
      {
        column: 'N° Chorus',
        value: 'AB',
        reason: 'N° Chorus invalide : « AB » (nombre entier attendu)',
      },
      {
        column: 'N° facture',
        value: null,
        reason: 'Valeur obligatoire manquante : N° facture',
      },
      {
        column: 'SIRET fournisseur',
        value: '2231000170042A',
        reason: 'SIRET invalide : « 2231000170042A » (14 chiffres attendus)',
      },
      {
        column: 'Date facture',
        value: '31/02/2025',
        reason: "Date invalide : 31/02/2025 n'existe pas",
      },
      {
        column: 'Date intégration',
        value: '2025-03-03',
        reason: 'Date invalide : « 2025-03-03 » (format attendu jj/mm/aaaa)',
      },
      { column: 'Montant TTC', value: '12,3,4', reason: 'Montant invalide : « 12,3,4 »' },
      {
        column: 'Etat',
        value: 'Validée',
        reason:
          'Etat inconnu : « Validée » (valeurs admises : Intégrée, Service fait, Mandatée, ' +
          'Payée, Suspendue, Rejetée, A recycler)',
      },
      {
        column: 'Date mandat',
        value: '29/02/2023',
        reason: "Date invalide : 29/02/2023 n'existe pas",
      },
    ]);
    expect(errors.every((e) => e.line === 2 && e.type === 'invalid')).toBe(true);
    expect(summary).toMatchObject({ rowsRead: 1, valid: 0, invalid: 1, lineErrors: 10 });
  });

  it('rejects a SIRET whose Luhn key is wrong', async () => {
    const { errors } = await collectImport(
      streamOf(csv(HEADER, LINE.replace('442 345 678 90127', '44234567890128'))),
    );
    expect(errors.map((e) => e.reason)).toEqual([
      'SIRET invalide : « 44234567890128 » (clé de contrôle incorrecte)',
    ]);
  });

  it('keeps going after an invalid line, with the right line numbers', async () => {
    const { rows, errors, summary } = await collectImport(
      streamOf(csv(HEADER, LINE, LINE.replace('1 234,56', 'abc'), LINE)),
    );
    expect(rows.map((r) => r.line)).toEqual([2, 4]);
    expect(errors.map((e) => e.line)).toEqual([3]);
    expect(summary).toMatchObject({ rowsRead: 3, valid: 2, invalid: 1, lineErrors: 1 });
  });

  it('lets unknown two-digit budgets through and lists them in the summary', async () => {
    const { rows, summary } = await collectImport(
      streamOf(csv(HEADER, LINE.replace(/^1;/, '99;'), LINE.replace(/^1;/, '7;'), LINE)),
    );
    expect(rows.map((r) => r.row.budgetCode)).toEqual(['99', '07', '01']);
    expect(summary?.unknownBudgetCodes).toEqual(['07', '99']);
  });

  it('takes the known budgets from the options (the admin may add one)', async () => {
    const { summary } = await collectImport(streamOf(csv(HEADER, LINE.replace(/^1;/, '99;'))), {
      knownBudgetCodes: ['99'],
    });
    expect(summary?.unknownBudgetCodes).toEqual([]);
  });
});

describe('parseAstreExport — the trailing total line', () => {
  it('skips a last line whose first cell is « Total » and says so', async () => {
    const { rows, errors, summary } = await collectImport(
      streamOf(csv(HEADER, LINE, 'Total;;;;;;;;1 234,56;;;;;', '')),
    );
    expect(rows).toHaveLength(1);
    expect(errors).toEqual([]);
    expect(summary).toMatchObject({ skippedTotalLine: 3, rowsRead: 1, blankLines: 1 });
  });

  it('skips a last line with no invoice number and a sum', async () => {
    const { summary } = await collectImport(streamOf(csv(HEADER, LINE, ';;;;;;;;1 234,56;;;;;')));
    expect(summary).toMatchObject({ skippedTotalLine: 3, valid: 1, invalid: 0 });
  });

  it('skips « TOTAL GÉNÉRAL : » in the invoice number column when it comes first', async () => {
    const header = 'N° facture;Budget;SIRET fournisseur;Date intégration;Montant TTC;Etat';
    const { summary } = await collectImport(
      streamOf(
        csv(header, 'F1;01;44234567890127;01/01/2025;10,00;Payée', 'TOTAL GÉNÉRAL :;;;;10,00;'),
      ),
    );
    expect(summary).toMatchObject({ skippedTotalLine: 3, valid: 1 });
  });

  it('refuses a total line in the middle of the file', async () => {
    const { errors, summary } = await collectImport(
      streamOf(csv(HEADER, 'Total;;;;;;;;1 234,56;;;;;', LINE)),
    );
    expect(errors).toEqual([
      {
        type: 'invalid',
        line: 2,
        column: null,
        value: 'Total',
        reason:
          'Ligne de total au milieu du fichier : seule la dernière ligne peut être une ligne de total.',
      },
    ]);
    expect(summary).toMatchObject({ skippedTotalLine: null, valid: 1, invalid: 1 });
  });

  it('reports a line missing its invoice number in the middle of the file', async () => {
    const { errors } = await collectImport(
      streamOf(csv(HEADER, LINE.replace('FA-2025-0001', ''), LINE)),
    );
    expect(errors.map((e) => e.reason)).toEqual(['Valeur obligatoire manquante : N° facture']);
  });

  it('does not take a supplier named TOTAL for a total line', async () => {
    const header =
      'Fournisseur;N° facture;Budget;SIRET fournisseur;Date intégration;Montant TTC;Etat';
    const { rows, summary } = await collectImport(
      streamOf(csv(header, 'TOTAL;F1;01;44234567890127;01/01/2025;10,00;Payée')),
    );
    expect(rows).toHaveLength(1);
    expect(summary?.skippedTotalLine).toBeNull();
  });
});

describe('parseAstreExport — engagements', () => {
  const header = 'Budget;N° engagement;Code service;SIRET fournisseur;Montant engagé;Solde';

  it('detects the kind from the headers and reads engagement rows', async () => {
    const { rows, summary } = await collectImport(
      streamOf(
        csv(
          header,
          '1; cp2025/x123456/1 ;DFD;44234567890127;10 000,00;2 500,50',
          '15;AP2025/1234;;;;',
        ),
      ),
    );
    expect(summary?.kind).toBe('engagements');
    expect(rows.map((r) => r.row)).toEqual([
      {
        kind: 'engagements',
        budgetCode: '01',
        engagementNumber: 'cp2025/x123456/1',
        serviceCode: 'DFD',
        supplierSiret: '44234567890127',
        engagedAmount: '10000.00',
        solde: '2500.50',
      },
      {
        kind: 'engagements',
        budgetCode: '15',
        engagementNumber: 'AP2025/1234',
        serviceCode: null,
        supplierSiret: null,
        engagedAmount: null,
        solde: null,
      },
    ]);
  });

  it('types the rows by the kind asked for', async () => {
    const numbers: string[] = [];
    for await (const event of parseAstreExport(streamOf(csv(header, '1;AP2025/1;;;;')), {
      kind: 'engagements',
    })) {
      if (event.type === 'row') {
        numbers.push(event.row.engagementNumber);
      }
    }
    expect(numbers).toEqual(['AP2025/1']);
  });

  it('reads a factures file as engagements when asked to', async () => {
    const { rows, summary } = await collectImport(streamOf(csv(HEADER, LINE)), {
      kind: 'engagements',
    });
    expect(summary?.kind).toBe('engagements');
    expect(rows[0]?.row).toMatchObject({ engagementNumber: 'CP2025/X123456/1' });
  });

  it('skips a trailing total line of engagements', async () => {
    const { summary } = await collectImport(
      streamOf(csv(header, '1;AP2025/1;;;100,00;', 'Total;;;;100,00;')),
    );
    expect(summary).toMatchObject({ valid: 1, skippedTotalLine: 3 });
  });
});

describe('parseAstreExport — profiles', () => {
  it('reads with an admin-edited profile: another header, a forced separator and encoding', async () => {
    const text = csv(
      'Bud|Facture|Siret|Intégré le|TTC|Statut',
      '01|F1|44234567890127|01/01/2025|10,00|Rejetée',
    ).replace(/\|/g, '\t');
    const { rows, summary } = await collectImport(streamOf(encodeWindows1252(text)), {
      profiles: [
        {
          kind: 'factures',
          separator: '\t',
          encoding: 'windows-1252',
          headerAliases: {
            budgetCode: ['Bud'],
            invoiceNumber: ['Facture'],
            supplierSiret: ['Siret'],
            integrationDate: ['Intégré le'],
            amountTtc: ['TTC'],
            etat: ['Statut'],
          },
        },
      ],
    });
    expect(summary).toMatchObject({ separator: '\t', encoding: 'windows-1252' });
    expect(rows[0]?.row).toMatchObject({ invoiceNumber: 'F1', etat: 'REJETEE' });
  });

  it('stops reading when the consumer stops, and closes the file', async () => {
    const many = writeInvoiceCsv(Array.from({ length: 1000 }, () => anInvoiceRow()));
    const stream = streamOf(many, 1024);
    let rows = 0;
    for await (const event of parseAstreExport(stream)) {
      if (event.type === 'row' && ++rows === 3) {
        break;
      }
    }
    expect(rows).toBe(3);
    expect(stream.destroyed).toBe(true);
  });
});

describe('parseAstreExport — file-level errors', () => {
  it('names the missing required column in French', async () => {
    const { error } = await failedImport(streamOf(csv(HEADER.replace(';Montant TTC', ''), LINE)));
    expect(error).toMatchObject({
      code: 'MISSING_COLUMN',
      message: 'Colonne obligatoire manquante : Montant TTC',
      line: 1,
    });
  });

  it('names every missing column', async () => {
    const { error } = await failedImport(streamOf(csv('Budget;N° facture;Etat', '01;F;Payée')), {
      kind: 'factures',
    });
    expect(error.message).toBe(
      'Colonnes obligatoires manquantes : SIRET fournisseur, Date intégration, Montant TTC',
    );
  });

  it('refuses two columns for the same field', async () => {
    const { error } = await failedImport(streamOf(csv(`${HEADER};Numéro de facture`, LINE)));
    expect(error.code).toBe('DUPLICATE_COLUMN');
    expect(error.message).toBe(
      'Colonnes en double : « N° facture » (colonne 4) et « Numéro de facture » (colonne 15) ' +
        'désignent toutes la colonne N° facture. Supprimez ou renommez l’une d’elles.',
    );
  });

  it('refuses a first line that is not an ASTRE header', async () => {
    const { error } = await failedImport(streamOf(csv('01;F1;44234567890127', '01;F2;1')));
    expect(error.code).toBe('UNRECOGNISED_HEADER');
    expect(error.message).toContain('En-tête non reconnu ligne 1');
  });

  it('reports a path that does not exist', async () => {
    const { error } = await failedImport('/nonexistent/astre.csv');
    expect(error).toMatchObject({
      code: 'READ_FAILED',
      message: 'Fichier introuvable : « /nonexistent/astre.csv ».',
    });
  });

  it('reports an upload stream that fails', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield await Promise.resolve(Buffer.from(csv(HEADER, LINE)));
      throw new Error('connexion interrompue');
    }
    const { error, summary } = await failedImport(failing());
    expect(error).toMatchObject({
      code: 'READ_FAILED',
      message: 'Lecture du fichier interrompue : connexion interrompue.',
    });
    expect(summary).toBeNull();
  });
});
