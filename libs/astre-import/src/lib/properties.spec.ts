import { luhnValid } from '@cd31/domain';
import { isAscii } from 'node:buffer';
import {
  type AstreCsvOptions,
  SeededRandom,
  csvField,
  encodeWindows1252,
  invoiceCsvHeader,
  invoiceCsvLine,
  randomInvoiceRow,
} from '../testing/astre-csv-writer';
import { streamOf } from '../testing/collect';
import { AstreImportError } from './astre-import-error';
import { countLineBreaks } from './csv-tokenizer';
import { parseAstreExport } from './parse-astre-export';
import {
  ASTRE_FIELD_DEFINITIONS,
  ASTRE_INVOICE_FIELDS,
  type AstreInvoiceField,
} from '@cd31/domain';
import { DEFAULT_ASTRE_PROFILES } from './profiles';
import { type AstreImportEvent } from './record-processor';
import { type AstreInvoiceRow } from './rows';

const OPTIONAL_FIELDS = ASTRE_INVOICE_FIELDS.filter(
  (field) => !ASTRE_FIELD_DEFINITIONS.factures[field].required,
);

function shuffled<T>(random: SeededRandom, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** Another way an office export may spell the header: an alias, in another case. */
function headerSpelling(random: SeededRandom, field: AstreInvoiceField): string {
  const aliases = DEFAULT_ASTRE_PROFILES[0]?.headerAliases as Partial<
    Record<AstreInvoiceField, readonly string[]>
  >;
  const alias = random.pick(aliases[field] ?? [ASTRE_FIELD_DEFINITIONS.factures[field].label]);
  return random.pick([alias, alias.toUpperCase(), alias.toLowerCase(), ` ${alias} `]);
}

/** How the same value may be printed: the parser must read them all back to the same row. */
function cellSpelling(random: SeededRandom, field: AstreInvoiceField, text: string): string {
  switch (field) {
    case 'budgetCode':
      return random.chance(0.5) ? text.replace(/^0/, '') : text;
    case 'supplierSiret':
      return random.chance(0.3) ? text.replace(/^(\d{3})(\d{3})(\d{3})/, '$1 $2 $3 ') : text;
    case 'etat':
      return random.pick([text, text.toUpperCase(), text.toLowerCase()]);
    case 'amountTtc':
      return random.chance(0.2) ? `${text} €` : text;
    default:
      return text === '' || random.chance(0.8) ? text : ` ${text}  `;
  }
}

interface GeneratedFile {
  readonly bytes: Buffer;
  readonly expected: readonly { readonly line: number; readonly row: AstreInvoiceRow }[];
  readonly totalLine: number | null;
  readonly encoding: 'utf-8' | 'windows-1252';
  readonly bom: boolean;
}

/** A random export of random valid rows, with the line each row must be reported on. */
function generateFile(random: SeededRandom): GeneratedFile {
  const dropped = new Set(OPTIONAL_FIELDS.filter(() => random.chance(0.25)));
  const columns = shuffled(
    random,
    ASTRE_INVOICE_FIELDS.filter((field) => !dropped.has(field)),
  );
  const headers = Object.fromEntries(columns.map((f) => [f, headerSpelling(random, f)]));
  const encoding = random.pick(['utf-8', 'windows-1252'] as const);
  // The narrow no-break space does not exist in Windows-1252.
  const thousands = ['', ' ', '\u00a0', ...(encoding === 'utf-8' ? ['\u202f'] : [])];
  const options: AstreCsvOptions = {
    separator: random.pick([';', ',', '\t'] as const),
    lineEnding: random.pick(['\r\n', '\n'] as const),
    quoteAll: random.chance(0.2),
    columns,
    headers,
    thousands: random.pick(thousands),
    variant: (field, text) => cellSpelling(random, field, text),
  };
  const eol = options.lineEnding ?? '\n';
  const bom = encoding === 'utf-8' && random.chance(0.5);
  let text = `${invoiceCsvHeader(options)}${eol}`;
  let line = 2;
  const expected: { line: number; row: AstreInvoiceRow }[] = [];
  const count = random.int(1, 25);
  for (let i = 0; i < count; i++) {
    while (random.chance(0.1)) {
      text += eol;
      line++;
    }
    const row = randomInvoiceRow(random);
    const record = invoiceCsvLine(row, options);
    const kept: AstreInvoiceRow = Object.fromEntries(
      Object.entries(row).map(([key, value]) => [
        key,
        dropped.has(key as AstreInvoiceField) ? null : value,
      ]),
    ) as unknown as AstreInvoiceRow;
    expected.push({ line, row: kept });
    text += record + eol;
    line += 1 + countLineBreaks(record);
  }
  let totalLine: number | null = null;
  if (random.chance(0.3)) {
    // "First cell Total, or no invoice number and a sum" — whichever column comes first.
    const cells: string[] = columns.map((field) => (field === 'amountTtc' ? '1 000,00' : ''));
    if (columns[0] !== 'amountTtc') {
      cells[0] = 'Total';
    }
    const separator = options.separator ?? ';';
    text += cells.map((cell) => csvField(cell, separator)).join(separator) + eol;
    totalLine = line;
  }
  const bytes =
    encoding === 'utf-8' ? Buffer.from(`${bom ? '\uFEFF' : ''}${text}`) : encodeWindows1252(text);
  // Pure ASCII reads the same in both encodings and is reported as UTF-8.
  return { bytes, expected, totalLine, encoding: isAscii(bytes) ? 'utf-8' : encoding, bom };
}

async function readAll(bytes: Buffer, chunk: number): Promise<AstreImportEvent[]> {
  const events: AstreImportEvent[] = [];
  for await (const event of parseAstreExport(streamOf(bytes, chunk))) {
    events.push(event);
  }
  return events;
}

describe('property: random valid exports read back to the rows they were written from', () => {
  it.each(Array.from({ length: 60 }, (_, i) => [1000 + i]))('seed %i', async (seed) => {
    const random = new SeededRandom(seed);
    const file = generateFile(random);
    const events = await readAll(file.bytes, random.int(1, 4096));

    const rows = events.flatMap((e) => (e.type === 'row' ? [{ line: e.line, row: e.row }] : []));
    expect(events.filter((e) => e.type === 'invalid')).toEqual([]);
    expect(rows).toEqual(file.expected);
    const end = events.at(-1);
    expect(end?.type === 'end' && end.summary).toMatchObject({
      kind: 'factures',
      encoding: file.encoding,
      bom: file.bom,
      valid: file.expected.length,
      invalid: 0,
      skippedTotalLine: file.totalLine,
    });
  });
});

const AMOUNT = /^-?\d{1,13}\.\d{2}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function assertWellFormed(row: AstreInvoiceRow): void {
  expect(row.budgetCode).toMatch(/^\d{2}$/);
  expect(luhnValid(row.supplierSiret) && row.supplierSiret.length === 14).toBe(true);
  expect(row.amountTtc).toMatch(AMOUNT);
  expect(row.integrationDate).toMatch(ISO_DATE);
  expect(row.invoiceNumber.trim()).toBe(row.invoiceNumber);
  expect(row.invoiceNumber).not.toBe('');
}

function corrupt(random: SeededRandom, bytes: Buffer): Buffer {
  let out = Buffer.from(bytes);
  const edits = random.int(1, 6);
  for (let i = 0; i < edits; i++) {
    const at = random.int(0, Math.max(0, out.length - 1));
    switch (random.int(0, 5)) {
      case 0: // flip a byte
        out[at] = random.int(0, 255);
        break;
      case 1: // cut the file
        out = out.subarray(0, at);
        break;
      case 2: // delete a range
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + random.int(1, 50))]);
        break;
      case 3: // insert random bytes
        out = Buffer.concat([
          out.subarray(0, at),
          Buffer.from(Array.from({ length: random.int(1, 8) }, () => random.int(0, 255))),
          out.subarray(at),
        ]);
        break;
      case 4: // insert a quote, a separator or a line break
        out = Buffer.concat([
          out.subarray(0, at),
          Buffer.from(random.pick(['"', ';', '\n', '\r', '""', ','])),
          out.subarray(at),
        ]);
        break;
      default: // repeat a range
        out = Buffer.concat([out.subarray(0, at + 40), out.subarray(at)]);
    }
  }
  return out;
}

describe('property: corrupted exports give line errors or an AstreImportError, nothing else', () => {
  it.each(Array.from({ length: 40 }, (_, i) => [2000 + i]))('seed %i', async (seed) => {
    const random = new SeededRandom(seed);
    const file = generateFile(random);
    for (let attempt = 0; attempt < 10; attempt++) {
      const bytes = corrupt(random, file.bytes);
      let events: AstreImportEvent[] = [];
      try {
        events = await readAll(bytes, random.int(1, 2048));
      } catch (error) {
        expect(error).toBeInstanceOf(AstreImportError);
        expect((error as AstreImportError).message).toMatch(/[a-zé]{3,}/);
        continue;
      }
      const end = events.at(-1);
      expect(end?.type).toBe('end');
      if (end?.type !== 'end') {
        continue;
      }
      const rows = events.filter((e) => e.type === 'row');
      const invalidLines = new Set(events.flatMap((e) => (e.type === 'invalid' ? [e.line] : [])));
      expect(end.summary.valid).toBe(rows.length);
      expect(end.summary.invalid).toBe(invalidLines.size);
      expect(end.summary.rowsRead).toBe(end.summary.valid + end.summary.invalid);
      for (const event of rows) {
        if (event.row.kind === 'factures') {
          assertWellFormed(event.row);
        }
      }
    }
  });
});
