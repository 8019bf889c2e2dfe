// Test and benchmark support: writes ASTRE exports the way office software does, from rows.
import {
  ASTRE_FIELD_DEFINITIONS,
  ASTRE_INVOICE_FIELDS,
  CD31_BUDGETS,
  type AstreInvoiceField,
  withLuhnCheckDigit,
} from '@cd31/domain';
import { type AstreInvoiceRow } from '../lib/rows';
import { ASTRE_ETAT_LABELS, ASTRE_ETATS } from '../lib/values';

/** Small, fast, seeded PRNG (mulberry32): the same seed gives the same files. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** In [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) {
      throw new RangeError('pick from an empty list');
    }
    return item;
  }

  digits(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) {
      out += String(this.int(0, 9));
    }
    return out;
  }
}

export interface AstreCsvOptions {
  readonly separator?: ';' | ',' | '\t';
  readonly lineEnding?: '\r\n' | '\n';
  /** Quote every field, as some exporters do, instead of only those that need it. */
  readonly quoteAll?: boolean;
  /** Column order; every invoice column by default. */
  readonly columns?: readonly AstreInvoiceField[];
  /** Header text per column; the default profile's label by default. */
  readonly headers?: Partial<Record<AstreInvoiceField, string>>;
  /** Thousands separator of amounts: space, no-break space, narrow no-break space, or none. */
  readonly thousands?: string;
  /** Rewrites a cell before it is quoted: `1` for `01`, a SIRET with spaces… */
  readonly variant?: (field: AstreInvoiceField, text: string) => string;
}

export function csvField(value: string, separator: string, quoteAll = false): string {
  const needsQuotes =
    quoteAll || value.includes(separator) || /["\r\n]/.test(value) || value.trim() !== value;
  return needsQuotes ? `"${value.replace(/"/g, '""')}"` : value;
}

/** `"-1234.56"` → `-1 234,56`. */
export function formatFrenchAmount(amount: string, thousands = ' '): string {
  const negative = amount.startsWith('-');
  const [integer = '0', decimals = '00'] = (negative ? amount.slice(1) : amount).split('.');
  const grouped = integer.replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
  return `${negative ? '-' : ''}${grouped},${decimals}`;
}

/** `2025-03-15` → `15/03/2025`. */
export function formatFrenchDate(iso: string): string {
  const [year, month, day] = iso.split('-');
  return `${day}/${month}/${year}`;
}

function invoiceCell(row: AstreInvoiceRow, field: AstreInvoiceField, thousands: string): string {
  switch (field) {
    case 'budgetCode':
      return row.budgetCode;
    case 'exercice':
      return row.exercice === null ? '' : String(row.exercice);
    case 'chorusInvoiceId':
      return row.chorusInvoiceId === null ? '' : String(row.chorusInvoiceId);
    case 'invoiceNumber':
      return row.invoiceNumber;
    case 'supplierSiret':
      return row.supplierSiret;
    case 'supplierName':
      return row.supplierName ?? '';
    case 'invoiceDate':
      return row.invoiceDate === null ? '' : formatFrenchDate(row.invoiceDate);
    case 'integrationDate':
      return formatFrenchDate(row.integrationDate);
    case 'amountTtc':
      return formatFrenchAmount(row.amountTtc, thousands);
    case 'engagementNumber':
      return row.engagementNumber ?? '';
    case 'serviceCode':
      return row.serviceCode ?? '';
    case 'etat':
      return ASTRE_ETAT_LABELS[row.etat];
    case 'mandatNumber':
      return row.mandatNumber ?? '';
    case 'mandatDate':
      return row.mandatDate === null ? '' : formatFrenchDate(row.mandatDate);
  }
}

/** The header line, without its line ending. */
export function invoiceCsvHeader(options: AstreCsvOptions = {}): string {
  const separator = options.separator ?? ';';
  return (options.columns ?? ASTRE_INVOICE_FIELDS)
    .map((field) =>
      csvField(
        options.headers?.[field] ?? ASTRE_FIELD_DEFINITIONS.factures[field].label,
        separator,
        options.quoteAll,
      ),
    )
    .join(separator);
}

/** One record, without its line ending. */
export function invoiceCsvLine(row: AstreInvoiceRow, options: AstreCsvOptions = {}): string {
  const separator = options.separator ?? ';';
  const variant = options.variant ?? ((_field: AstreInvoiceField, text: string) => text);
  return (options.columns ?? ASTRE_INVOICE_FIELDS)
    .map((field) =>
      csvField(
        variant(field, invoiceCell(row, field, options.thousands ?? ' ')),
        separator,
        options.quoteAll,
      ),
    )
    .join(separator);
}

/** A whole file, header first, each line ended. */
export function writeInvoiceCsv(
  rows: readonly AstreInvoiceRow[],
  options: AstreCsvOptions = {},
): string {
  const eol = options.lineEnding ?? '\r\n';
  return [invoiceCsvHeader(options), ...rows.map((row) => invoiceCsvLine(row, options))]
    .map((line) => line + eol)
    .join('');
}

const CP1252_EXTRA = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Encodes text as Windows-1252 (throws on characters it cannot hold). */
export function encodeWindows1252(text: string): Buffer {
  const bytes = Buffer.alloc(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) {
      bytes[i] = code;
      continue;
    }
    const extra = CP1252_EXTRA.indexOf(text.charAt(i));
    if (extra === -1) {
      throw new RangeError(`Not in Windows-1252: U+${code.toString(16)}`);
    }
    bytes[i] = 0x80 + extra;
  }
  return bytes;
}

/** A valid invoice row: small builder for tests, override what the test is about. */
export function anInvoiceRow(overrides: Partial<AstreInvoiceRow> = {}): AstreInvoiceRow {
  return {
    kind: 'factures',
    budgetCode: '01',
    exercice: 2025,
    chorusInvoiceId: 4_512_345,
    invoiceNumber: 'FA-2025-0001',
    supplierSiret: '44234567890127',
    supplierName: 'Papeterie Occitane',
    invoiceDate: '2025-02-28',
    integrationDate: '2025-03-03',
    amountTtc: '1234.56',
    engagementNumber: 'CP2025/X123456/1',
    serviceCode: 'DFD',
    etat: 'INTEGREE',
    mandatNumber: null,
    mandatDate: null,
    ...overrides,
  };
}

const WORDS = ['Papeterie', 'Occitane', 'Garonne', 'Bâtiment', 'Œuvres', 'Société', 'Café', 'Ça'];
const AWKWARD = [';', ',', '"', '\n', '\r\n', '\t', '€', '’', '« »', 'é', 'É', ' '];

function randomText(random: SeededRandom, awkward: boolean): string {
  const parts: string[] = [];
  const count = random.int(1, 4);
  for (let i = 0; i < count; i++) {
    parts.push(random.pick(WORDS));
    if (awkward && random.chance(0.3)) {
      parts.push(random.pick(AWKWARD));
    }
  }
  const text = parts.join(random.chance(0.5) ? ' ' : '').trim();
  return text === '' ? 'X' : text;
}

function randomDate(random: SeededRandom): string {
  const year = random.int(2015, 2030);
  const month = random.int(1, 12);
  const day = random.int(1, month === 2 ? 28 : 30);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function randomAmount(random: SeededRandom): string {
  const integer = String(random.int(0, random.chance(0.1) ? 9_999_999_999 : 99_999));
  const cents = String(random.int(0, 99)).padStart(2, '0');
  const zero = integer === '0' && cents === '00';
  return `${random.chance(0.1) && !zero ? '-' : ''}${integer}.${cents}`;
}

/** A random valid invoice row; `awkward` puts separators, quotes and line breaks in the texts. */
export function randomInvoiceRow(random: SeededRandom, awkward = true): AstreInvoiceRow {
  const optional = <T>(make: () => T): T | null => (random.chance(0.2) ? null : make());
  return {
    kind: 'factures',
    budgetCode: random.chance(0.05) ? random.digits(2) : random.pick(CD31_BUDGETS).code,
    exercice: optional(() => random.int(2015, 2030)),
    chorusInvoiceId: optional(() => random.int(1, 99_999_999)),
    invoiceNumber: `${random.pick(['FA', 'F', 'fact', 'N°'])}-${random.digits(random.int(1, 8))}`,
    supplierSiret: withLuhnCheckDigit(`${random.int(1, 9)}${random.digits(12)}`),
    supplierName: optional(() => randomText(random, awkward)),
    invoiceDate: optional(() => randomDate(random)),
    integrationDate: randomDate(random),
    amountTtc: randomAmount(random),
    engagementNumber: optional(() => `CP${random.int(2015, 2030)}/X${random.digits(6)}/1`),
    serviceCode: optional(() => random.pick(['DFD', 'DSI', 'DRH', 'sif 31'])),
    etat: random.pick(ASTRE_ETATS),
    mandatNumber: optional(() => random.digits(random.int(1, 7))),
    mandatDate: optional(() => randomDate(random)),
  };
}
