import { gzipSync } from 'node:zlib';
import {
  SeededRandom,
  anInvoiceRow,
  encodeWindows1252,
  invoiceCsvHeader,
  writeInvoiceCsv,
} from '../testing/astre-csv-writer';
import { collectImport, failedImport, streamOf } from '../testing/collect';
import { type AstreImportErrorCode } from './astre-import-error';
import { type AstreImportOptions } from './parse-astre-export';

const VALID = writeInvoiceCsv([anInvoiceRow(), anInvoiceRow({ invoiceNumber: 'FA-2' })]);
const HEADER = `${invoiceCsvHeader()}\r\n`;

function randomBytes(seed: number, length: number, min = 0): Buffer {
  const random = new SeededRandom(seed);
  return Buffer.from(Array.from({ length }, () => random.int(min, 255)));
}

interface MalformedFile {
  readonly name: string;
  readonly bytes: () => Buffer;
  readonly options?: AstreImportOptions;
  readonly code: AstreImportErrorCode;
  readonly message: RegExp;
}

const MALFORMED: readonly MalformedFile[] = [
  {
    name: 'an empty file',
    bytes: () => Buffer.alloc(0),
    code: 'EMPTY_FILE',
    message: /^Le fichier est vide \(0 octet\)\.$/,
  },
  {
    name: 'blank lines only',
    bytes: () => Buffer.from('\r\n  \r\n;;;\r\n'),
    code: 'EMPTY_FILE',
    message: /ne contient que des lignes vides/,
  },
  {
    name: 'a UTF-8 BOM and nothing else',
    bytes: () => Buffer.from([0xef, 0xbb, 0xbf]),
    code: 'EMPTY_FILE',
    message: /lignes vides/,
  },
  {
    name: 'only a header',
    bytes: () => Buffer.from(HEADER),
    code: 'NO_DATA',
    message: /ne contient que la ligne d’en-tête \(ligne 1\) : aucune ligne de données/,
  },
  {
    name: 'a header and a total line',
    bytes: () => Buffer.from(`${HEADER}Total;;;;;;;;1 234,56;;;;;\r\n`),
    code: 'NO_DATA',
    message: /ligne d’en-tête et une ligne de total/,
  },
  {
    name: 'a file truncated inside a quoted field',
    bytes: () => Buffer.from(`${VALID}01;2025;;FA-3;44234567890127;"Dupont et`),
    code: 'UNTERMINATED_QUOTE',
    message: /^Fin de fichier au milieu d’un champ entre guillemets ouvert ligne 4 : .*tronqué/,
  },
  {
    name: 'a truncated quoted header',
    bytes: () => Buffer.from('Budget;"N° facture'),
    code: 'UNTERMINATED_QUOTE',
    message: /ouvert ligne 1/,
  },
  {
    name: 'binary garbage with NUL bytes',
    bytes: () => randomBytes(1, 5000),
    code: 'BINARY_CONTENT',
    message: /données binaires \(octet nul à la position \d+\)/,
  },
  {
    name: 'binary garbage without NUL bytes',
    bytes: () => randomBytes(2, 5000, 1),
    code: 'BINARY_CONTENT',
    message: /données binaires \(caractère de contrôle U\+[0-9A-F]{4} ligne \d+\)/,
  },
  {
    name: 'a gzip archive',
    bytes: () => gzipSync(VALID),
    code: 'BINARY_CONTENT',
    message: /données binaires/,
  },
  {
    name: 'a CSV with a NUL byte far from the start',
    bytes: () => Buffer.from(`${VALID.repeat(200)}\u0000`),
    code: 'BINARY_CONTENT',
    message: /U\+0000 ligne 601/,
  },
  {
    name: 'an Excel 97-2003 workbook',
    bytes: () =>
      Buffer.concat([
        Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
        randomBytes(3, 600),
      ]),
    code: 'UNSUPPORTED_FORMAT',
    message: /Format Excel 97-2003 \(\.xls\) non pris en charge/,
  },
  {
    name: 'a PDF',
    bytes: () => Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'),
    code: 'UNSUPPORTED_FORMAT',
    message: /Le fichier est un PDF/,
  },
  {
    name: 'an HTML table saved as .xls',
    bytes: () => Buffer.from('\uFEFF<html><body><table><tr><td>Budget</td></tr></table>'),
    code: 'UNSUPPORTED_FORMAT',
    message: /XML ou du HTML/,
  },
  {
    name: 'UTF-16 with a BOM (Excel « Texte Unicode »)',
    bytes: () => Buffer.from(`\uFEFF${VALID}`, 'utf16le'),
    code: 'UNSUPPORTED_ENCODING',
    message: /encodé en UTF-16/,
  },
  {
    name: 'UTF-16 without a BOM',
    bytes: () => Buffer.from(VALID, 'utf16le'),
    code: 'UNSUPPORTED_ENCODING',
    message: /UTF-16/,
  },
  {
    name: 'Windows-1252 when the profile imposes UTF-8',
    bytes: () => encodeWindows1252(VALID.replace('Papeterie', 'Pépinière')),
    options: {
      profiles: [
        {
          kind: 'factures',
          separator: 'auto',
          encoding: 'utf-8',
          headerAliases: {
            budgetCode: ['Budget'],
            invoiceNumber: ['N° facture'],
            supplierSiret: ['SIRET fournisseur'],
            integrationDate: ['Date intégration'],
            amountTtc: ['Montant TTC'],
            etat: ['Etat'],
          },
        },
      ],
    },
    code: 'INVALID_ENCODING',
    message: /n’est pas en UTF-8 comme l’indique le profil/,
  },
  {
    name: 'UTF-8 that turns into Windows-1252 after 64 KB',
    bytes: () =>
      Buffer.concat([
        Buffer.from(VALID.repeat(300)),
        encodeWindows1252(writeInvoiceCsv([anInvoiceRow({ supplierName: 'Pépinière' })])),
      ]),
    code: 'INVALID_ENCODING',
    message: /^Encodage incohérent/,
  },
  {
    name: 'a missing required column',
    bytes: () => Buffer.from(VALID.replace(';Montant TTC', '')),
    code: 'MISSING_COLUMN',
    message: /^Colonne obligatoire manquante : Montant TTC$/,
  },
  {
    name: 'duplicate headers',
    bytes: () => Buffer.from(VALID.replace('Code service', 'N° facture')),
    code: 'DUPLICATE_COLUMN',
    message: /^Colonnes en double : « N° facture » \(colonne 4\) et « N° facture » \(colonne 11\)/,
  },
  {
    name: 'a first line that is data, not headers',
    bytes: () => Buffer.from(VALID.split('\r\n').slice(1).join('\r\n')),
    code: 'UNRECOGNISED_HEADER',
    message: /^En-tête non reconnu ligne 1/,
  },
  {
    name: 'a 10 MB single line without a separator',
    bytes: () => Buffer.alloc(10 * 1024 * 1024, 'A'),
    code: 'LINE_TOO_LONG',
    message: /^La ligne 1 dépasse 1 Mo sans fin de ligne/,
  },
  {
    name: 'a 10 MB line after a valid header',
    bytes: () => Buffer.concat([Buffer.from(VALID), Buffer.alloc(10 * 1024 * 1024, '1;')]),
    code: 'LINE_TOO_LONG',
    message: /^La ligne 4 dépasse 1 Mo/,
  },
  {
    name: 'a quote opened and never closed in a big file',
    bytes: () => Buffer.from(`${VALID}"${'x;'.repeat(600_000)}`),
    code: 'LINE_TOO_LONG',
    message: /^Le champ entre guillemets ouvert ligne 4 n’est toujours pas fermé après 1 Mo/,
  },
];

describe('malformed files: a typed French error, never a summary', () => {
  it.each(MALFORMED.map((file) => [file.name, file] as const))('%s', async (_name, file) => {
    const result = await failedImport(streamOf(file.bytes()), file.options);
    expect(result.error.name).toBe('AstreImportError');
    expect(result.error.code).toBe(file.code);
    expect(result.error.message).toMatch(file.message);
    expect(result.summary).toBeNull();
    expect(result.events.some((event) => event.type === 'end')).toBe(false);
  });

  it('gives the same error whatever the chunk size', async () => {
    const { error } = await failedImport(streamOf(Buffer.from(HEADER), 1));
    expect(error.code).toBe('NO_DATA');
  });
});

describe('malformed lines: reported, never taken for valid rows', () => {
  const line = (row: string): Buffer => Buffer.from(`${HEADER}${row}\r\n`);
  const base = VALID.split('\r\n')[1] ?? '';

  it.each([
    [
      '31/02/2025',
      base.replace('28/02/2025', '31/02/2025'),
      "Date invalide : 31/02/2025 n'existe pas",
    ],
    ['12,3,4', base.replace('1 234,56', '12,3,4'), 'Montant invalide : « 12,3,4 »'],
    ['1.234,5.6', base.replace('1 234,56', '1.234,5.6'), 'Montant invalide : « 1.234,5.6 »'],
    ['letters in an amount', base.replace('1 234,56', 'douze'), 'Montant invalide : « douze »'],
    [
      'a bad Luhn key',
      base.replace('44234567890127', '44234567890128'),
      'clé de contrôle incorrecte',
    ],
    ['an unknown state', base.replace('Intégrée', 'Perdue'), 'Etat inconnu : « Perdue »'],
  ])('%s', async (_name, row, reason) => {
    const { rows, errors, summary } = await collectImport(streamOf(line(row)));
    expect(rows).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.reason).toContain(reason);
    expect(summary).toMatchObject({ valid: 0, invalid: 1 });
  });
});
