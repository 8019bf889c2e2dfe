import ExcelJS from 'exceljs';
import { crc32, inflateRawSync } from 'node:zlib';
import { SeededRandom, anInvoiceRow } from '../testing/astre-csv-writer';
import { collectImport, failedImport, streamOf } from '../testing/collect';
import { AstreImportError } from './astre-import-error';
import { parseAstreExport } from './parse-astre-export';
import { fromExcelValue } from './xlsx-reader';

const HEADERS = [
  'Budget',
  'Exercice',
  'N° Chorus',
  'N° facture',
  'SIRET fournisseur',
  'Fournisseur',
  'Date facture',
  'Date intégration',
  'Montant TTC',
  'N° engagement',
  'Code service',
  'Etat',
  'N° mandat',
  'Date mandat',
];

function utcDate(iso: string): Date {
  return new Date(`${iso}T00:00:00Z`);
}

/** The first data line of the CSV specs, typed as Excel holds it. */
const TYPED_ROW: ExcelJS.CellValue[] = [
  1,
  2025,
  4512345,
  'FA-2025-0001',
  44234567890127,
  'Papeterie Occitane',
  utcDate('2025-02-28'),
  utcDate('2025-03-03'),
  1234.56,
  'CP2025/X123456/1',
  'DFD',
  'Intégrée',
  null,
  null,
];

async function workbook(
  build: (book: ExcelJS.Workbook) => void,
  options: { useSharedStrings?: boolean } = {},
): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  build(book);
  const buffer = await book.xlsx.writeBuffer({
    useSharedStrings: options.useSharedStrings ?? true,
  });
  return Buffer.from(buffer);
}

function invoiceSheet(book: ExcelJS.Workbook, rows: ExcelJS.CellValue[][]): ExcelJS.Worksheet {
  const sheet = book.addWorksheet('Factures');
  sheet.addRow(HEADERS);
  for (const row of rows) {
    sheet.addRow(row);
  }
  for (const column of [7, 8, 14]) {
    sheet.getColumn(column).numFmt = 'dd/mm/yyyy';
  }
  return sheet;
}

/** A ZIP of stored (uncompressed) files, to test archives that are not workbooks. */
function storedZip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const nameBytes = Buffer.from(name);
    const data = Buffer.from(content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The files of a ZIP (stored or deflated), read from its central directory. */
function zipFiles(zip: Buffer): Record<string, string> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const files: Record<string, string> = {};
  let entry = zip.readUInt32LE(end + 16);
  for (let n = zip.readUInt16LE(end + 10); n > 0; n--) {
    const method = zip.readUInt16LE(entry + 10);
    const size = zip.readUInt32LE(entry + 20);
    const nameLength = zip.readUInt16LE(entry + 28);
    const local = zip.readUInt32LE(entry + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    files[zip.toString('utf8', entry + 46, entry + 46 + nameLength)] = (
      method === 8 ? inflateRawSync(data) : data
    ).toString('utf8');
    entry += 46 + nameLength + zip.readUInt16LE(entry + 30) + zip.readUInt16LE(entry + 32);
  }
  return files;
}

describe('parseAstreExport — XLSX', () => {
  it('reads typed cells of the first sheet: numbers, dates, text', async () => {
    const bytes = await workbook((book) => invoiceSheet(book, [TYPED_ROW]));
    const { rows, errors, summary, header } = await collectImport(streamOf(bytes, 4096));
    expect(errors).toEqual([]);
    expect(rows).toEqual([{ type: 'row', line: 2, row: anInvoiceRow() }]);
    expect(header).toMatchObject({ format: 'xlsx', kind: 'factures', separator: null });
    expect(summary).toMatchObject({
      format: 'xlsx',
      encoding: null,
      bom: false,
      separator: null,
      valid: 1,
    });
  });

  it('reads a workbook whose sheet is stored before xl/workbook.xml', async () => {
    const files = zipFiles(await workbook((book) => invoiceSheet(book, [TYPED_ROW])));
    const sheets = Object.keys(files).filter((name) => name.startsWith('xl/worksheets/'));
    const others = Object.keys(files).filter(
      (name) => !sheets.includes(name) && name !== 'xl/workbook.xml',
    );
    const reordered = Object.fromEntries(
      [...others, ...sheets, 'xl/workbook.xml'].map((name) => [name, files[name] ?? '']),
    );
    const { rows } = await collectImport(streamOf(storedZip(reordered)));
    expect(rows.map((r) => r.row)).toEqual([anInvoiceRow()]);
  });

  it('reads the same workbook with inline strings', async () => {
    const bytes = await workbook((book) => invoiceSheet(book, [TYPED_ROW]), {
      useSharedStrings: false,
    });
    const { rows } = await collectImport(streamOf(bytes));
    expect(rows.map((r) => r.row)).toEqual([anInvoiceRow()]);
  });

  it('reads cells typed as text the way a CSV holds them', async () => {
    const textRow = TYPED_ROW.map((cell, i) =>
      i === 6 ? '28/02/2025' : i === 7 ? '3/3/2025' : i === 8 ? '1 234,56' : cell,
    );
    textRow[0] = '01';
    textRow[4] = '442 345 678 90127';
    const { rows } = await collectImport(
      streamOf(await workbook((book) => invoiceSheet(book, [textRow]))),
    );
    expect(rows.map((r) => r.row)).toEqual([anInvoiceRow()]);
  });

  it('reads formulas by their result, rich text and hyperlinks by their text', async () => {
    const row = [...TYPED_ROW];
    row[5] = { richText: [{ text: 'Papeterie ' }, { text: 'Occitane', font: { bold: true } }] };
    row[8] = { formula: '1000+234.56', result: 1234.56 };
    row[9] = { text: 'CP2025/X123456/1', hyperlink: 'https://example.org' };
    const { rows } = await collectImport(
      streamOf(await workbook((book) => invoiceSheet(book, [row]))),
    );
    expect(rows.map((r) => r.row)).toEqual([anInvoiceRow()]);
  });

  it('reports Excel error cells and bad values with the sheet row number', async () => {
    const bad = [...TYPED_ROW];
    bad[8] = { error: '#N/A' };
    bad[4] = 22310001700424;
    const { errors } = await collectImport(
      streamOf(await workbook((book) => invoiceSheet(book, [TYPED_ROW, bad]))),
    );
    expect(errors.map(({ line, column, reason }) => ({ line, column, reason }))).toEqual([
      {
        line: 3,
        column: 'SIRET fournisseur',
        reason: 'SIRET invalide : « 22310001700424 » (clé de contrôle incorrecte)',
      },
      { line: 3, column: 'Montant TTC', reason: 'Cellule en erreur dans Excel : #N/A' },
    ]);
  });

  it('counts rows Excel does not store as blank lines, and keeps row numbers', async () => {
    const bytes = await workbook((book) => {
      const sheet = invoiceSheet(book, []);
      sheet.getRow(5).values = TYPED_ROW;
    });
    const { rows, summary } = await collectImport(streamOf(bytes));
    expect(rows.map((r) => r.line)).toEqual([5]);
    expect(summary?.blankLines).toBe(3);
  });

  it('skips a trailing SUM row', async () => {
    const bytes = await workbook((book) => {
      const sheet = invoiceSheet(book, [TYPED_ROW]);
      sheet.addRow([
        'Total',
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        { formula: 'SUM(I2:I2)', result: 1234.56 },
      ]);
    });
    const { summary } = await collectImport(streamOf(bytes));
    expect(summary).toMatchObject({ valid: 1, skippedTotalLine: 3 });
  });

  it('reads only the first sheet', async () => {
    const bytes = await workbook((book) => {
      invoiceSheet(book, [TYPED_ROW]);
      book.addWorksheet('Notes').addRow(['rien à voir']);
    });
    const { rows } = await collectImport(streamOf(bytes));
    expect(rows).toHaveLength(1);
  });

  it('detects an engagements sheet', async () => {
    const bytes = await workbook((book) => {
      const sheet = book.addWorksheet('EJ');
      sheet.addRow(['Budget', 'N° engagement', 'Montant engagé', 'Solde']);
      sheet.addRow([15, 'AP2025/1234', 1000, 250.5]);
    });
    const { rows } = await collectImport(streamOf(bytes));
    expect(rows.map((r) => r.row)).toEqual([
      {
        kind: 'engagements',
        budgetCode: '15',
        engagementNumber: 'AP2025/1234',
        serviceCode: null,
        supplierSiret: null,
        engagedAmount: '1000.00',
        solde: '250.50',
      },
    ]);
  });

  it('refuses a sheet without the required columns, as for CSV', async () => {
    const bytes = await workbook((book) => {
      book.addWorksheet('F').addRow(HEADERS.filter((h) => h !== 'Etat'));
    });
    const { error } = await failedImport(streamOf(bytes));
    expect(error.message).toBe('Colonne obligatoire manquante : Etat');
  });

  it('refuses an empty sheet and a header without data', async () => {
    const empty = await workbook((book) => book.addWorksheet('Vide'));
    expect((await failedImport(streamOf(empty))).error.code).toBe('EMPTY_FILE');
    const headerOnly = await workbook((book) => invoiceSheet(book, []));
    expect((await failedImport(streamOf(headerOnly))).error.code).toBe('NO_DATA');
  });

  it('refuses a ZIP that is not a workbook', async () => {
    const { error } = await failedImport(streamOf(storedZip({ 'lisezmoi.txt': 'bonjour' })));
    expect(error).toMatchObject({ code: 'INVALID_XLSX' });
    expect(error.message).toContain('pas un classeur Excel (aucune feuille trouvée)');
  });

  it('refuses a truncated workbook, wherever it is cut', async () => {
    const bytes = await workbook((book) =>
      invoiceSheet(
        book,
        Array.from({ length: 200 }, () => TYPED_ROW),
      ),
    );
    for (const fraction of [0.1, 0.5, 0.9, 0.99]) {
      const { error, summary } = await failedImport(
        streamOf(bytes.subarray(0, Math.floor(bytes.length * fraction)), 1024),
      );
      expect(error.code).toBe('INVALID_XLSX');
      expect(summary).toBeNull();
    }
  });

  it('gives an AstreImportError for a corrupted workbook, never another error', async () => {
    const bytes = await workbook((book) =>
      invoiceSheet(
        book,
        Array.from({ length: 50 }, () => TYPED_ROW),
      ),
    );
    const random = new SeededRandom(31);
    for (let attempt = 0; attempt < 25; attempt++) {
      let corrupted = Buffer.from(bytes);
      for (let flips = random.int(1, 5); flips > 0; flips--) {
        corrupted[random.int(4, corrupted.length - 1)] = random.int(0, 255);
      }
      if (random.chance(0.3)) {
        corrupted = corrupted.subarray(0, random.int(10, corrupted.length));
      }
      try {
        for await (const event of parseAstreExport(streamOf(corrupted, 2048))) {
          expect(['header', 'row', 'invalid', 'end']).toContain(event.type);
        }
      } catch (error) {
        expect(error).toBeInstanceOf(AstreImportError);
      }
    }
  });
});

describe('fromExcelValue', () => {
  it('turns exceljs values into cells', () => {
    expect(fromExcelValue(undefined)).toBeNull();
    expect(fromExcelValue({ error: '#REF!' })).toEqual({ excelError: '#REF!' });
    expect(fromExcelValue({ sharedFormula: 'A1', result: 'x' })).toBe('x');
    expect(fromExcelValue({ formula: 'NOW()' })).toBeNull();
    // What exceljs's streaming reader makes of a formula whose result is #N/A.
    expect(fromExcelValue({ formula: 'VLOOKUP(A2,B:B,1,0)', result: Number.NaN })).toEqual({
      excelError: 'formule en erreur',
    });
  });
});
