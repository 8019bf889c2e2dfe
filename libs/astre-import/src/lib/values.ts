import {
  ASTRE_STATE_LABELS,
  ASTRE_STATES,
  normaliseBudgetCode,
  validateSiret,
  type AstreState,
} from '@cd31/domain';

/**
 * One cell as read from the file: always a string from CSV; typed from XLSX (numbers, dates at
 * UTC midnight as exceljs builds them, booleans, Excel errors such as `#N/A`).
 */
export type AstreCell = string | number | boolean | Date | ExcelErrorCell | null;

export interface ExcelErrorCell {
  readonly excelError: string;
}

export type ParsedValue<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

function ok<T>(value: T): ParsedValue<T> {
  return { ok: true, value };
}

function fail<T>(reason: string): ParsedValue<T> {
  return { ok: false, reason };
}

/** The ASTRE processing states of an invoice (astre-export.md), as codes: the domain's list. */
export const ASTRE_ETATS = ASTRE_STATES;
export type AstreEtat = AstreState;

/** The words ASTRE prints, for messages (ASTRE writes « A recycler » without the accent). */
export const ASTRE_ETAT_LABELS: Readonly<Record<AstreEtat, string>> = {
  ...ASTRE_STATE_LABELS,
  A_RECYCLER: 'A recycler',
};

/** Longest text kept from a cell; longer is a line error, not a silent truncation. */
export const MAX_TEXT_LENGTH = 1000;
/** Amounts fit PostgreSQL numeric(15,2). */
const MAX_AMOUNT_INTEGER_DIGITS = 13;
const MIN_YEAR = 1900;
const MAX_YEAR = 2100;

/** `« value »`, shortened so that a report line stays readable. */
export function quoted(raw: string): string {
  return `« ${raw.length > 60 ? `${raw.slice(0, 57)}…` : raw} »`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function isoDate(year: number, month: number, day: number): string {
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

function frenchDate(date: Date): string {
  return `${pad2(date.getUTCDate())}/${pad2(date.getUTCMonth() + 1)}/${date.getUTCFullYear()}`;
}

/** The text of a cell as a user would read it (for messages, and for text fields). */
export function cellToText(cell: AstreCell): string {
  if (cell === null) {
    return '';
  }
  if (typeof cell === 'string') {
    return cell;
  }
  if (typeof cell === 'number') {
    return String(cell);
  }
  if (typeof cell === 'boolean') {
    return cell ? 'VRAI' : 'FAUX';
  }
  if (cell instanceof Date) {
    return frenchDate(cell);
  }
  return cell.excelError;
}

export function isEmptyCell(cell: AstreCell): boolean {
  return cell === null || (typeof cell === 'string' && cell.trim() === '');
}

/** Trimmed text, `null` when empty. */
export function parseText(cell: AstreCell): ParsedValue<string | null> {
  const text = cellToText(cell).trim();
  if (text === '') {
    return ok(null);
  }
  if (text.length > MAX_TEXT_LENGTH) {
    return fail(
      `Valeur trop longue : ${text.length} caractères (${MAX_TEXT_LENGTH} au plus) ${quoted(text)}`,
    );
  }
  return ok(text);
}

/** Excel writes long numbers it holds as numbers this way in CSV: `2,23100017004E+13`. */
const EXCEL_SCIENTIFIC = /^\d(?:[.,]\d+)?E\+\d+$/i;
const SCIENTIFIC_HINT =
  '(notation scientifique d’Excel : mettez la colonne au format Texte avant l’export)';

/** Budget code: `1` → `01`. Any two digits pass; only the domain knows which budgets exist. */
export function parseBudgetCode(cell: AstreCell): ParsedValue<string> {
  if (typeof cell === 'number') {
    return Number.isInteger(cell) && cell >= 0 && cell <= 99
      ? ok(pad2(cell))
      : fail(`Budget invalide : ${quoted(String(cell))} (code à 2 chiffres attendu)`);
  }
  const text = cellToText(cell).trim();
  const code = normaliseBudgetCode(text);
  return code === null
    ? fail(`Budget invalide : ${quoted(text)} (code à 2 chiffres attendu)`)
    : ok(code);
}

/** Exercice: a four-digit year. */
export function parseYear(cell: AstreCell): ParsedValue<number> {
  const text = cellToText(cell).trim();
  const year = /^\d{4}$/.test(text) ? Number(text) : NaN;
  return year >= MIN_YEAR && year <= MAX_YEAR
    ? ok(year)
    : fail(`Exercice invalide : ${quoted(text)} (année sur 4 chiffres attendue)`);
}

/** Chorus Pro `idFacture`: a positive integer, possibly printed with thousands separators. */
export function parseChorusId(cell: AstreCell): ParsedValue<number> {
  if (typeof cell === 'number') {
    return Number.isSafeInteger(cell) && cell > 0
      ? ok(cell)
      : fail(`N° Chorus invalide : ${quoted(String(cell))} (nombre entier attendu)`);
  }
  const text = cellToText(cell).trim();
  if (EXCEL_SCIENTIFIC.test(text)) {
    return fail(`N° Chorus invalide : ${quoted(text)} ${SCIENTIFIC_HINT}`);
  }
  const digits = text.replace(/[ \u00a0\u202f]/g, '');
  const id = /^\d{1,16}$/.test(digits) ? Number(digits) : NaN;
  return Number.isSafeInteger(id) && id > 0
    ? ok(id)
    : fail(`N° Chorus invalide : ${quoted(text)} (nombre entier attendu)`);
}

/** 14 digits with a valid Luhn key; spaces, dots and no-break spaces dropped. */
export function parseSiret(cell: AstreCell): ParsedValue<string> {
  let text: string;
  if (typeof cell === 'number') {
    // A numeric cell lost its leading zeros, as budget codes do.
    text = Number.isSafeInteger(cell) && cell >= 0 ? String(cell).padStart(14, '0') : String(cell);
  } else {
    text = cellToText(cell).trim();
    if (EXCEL_SCIENTIFIC.test(text)) {
      return fail(`SIRET invalide : ${quoted(text)} ${SCIENTIFIC_HINT}`);
    }
  }
  const validation = validateSiret(text);
  if (validation.valid) {
    return ok(validation.siret);
  }
  switch (validation.reason) {
    case 'EMPTY':
    case 'NOT_14_DIGITS':
      return fail(`SIRET invalide : ${quoted(text)} (14 chiffres attendus)`);
    case 'LUHN':
      return fail(`SIRET invalide : ${quoted(text)} (clé de contrôle incorrecte)`);
  }
}

const AMOUNT = /^([-\u2212])?(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,(\d+))?$/;
const GROUP_SEPARATORS = /[ \u00a0\u202f]/g;

function formatCents(cents: number): string {
  const negative = cents < 0;
  const abs = String(Math.abs(cents)).padStart(3, '0');
  return `${negative ? '-' : ''}${abs.slice(0, -2)}.${abs.slice(-2)}`;
}

/**
 * A French amount, `1 234,56`, `1234,56`, `-120,00` (thousands separated by a space, a no-break
 * space or a narrow no-break space; a trailing `€` tolerated), as a decimal string with two
 * decimals: `"1234.56"`. Computed in strings, never through a float.
 */
export function parseAmount(cell: AstreCell): ParsedValue<string> {
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell) || Math.abs(cell) >= 10 ** MAX_AMOUNT_INTEGER_DIGITS) {
      return fail(`Montant invalide : ${quoted(String(cell))} (montant hors limites)`);
    }
    const scaled = cell * 100;
    const cents = Math.round(scaled);
    // 1234.56 * 100 is 123455.99999999999: tolerate the error of the multiplication, no more.
    if (Math.abs(scaled - cents) > Math.max(1e-6, Math.abs(scaled) * 4 * Number.EPSILON)) {
      return fail(`Montant invalide : ${quoted(String(cell))} (2 décimales au plus)`);
    }
    return ok(formatCents(cents === 0 ? 0 : cents));
  }
  const text = cellToText(cell).trim();
  const withoutEuro = text.endsWith('€') ? text.slice(0, -1).trimEnd() : text;
  const match = AMOUNT.exec(withoutEuro);
  if (match === null) {
    const hint = /^-?\d+\.\d{1,2}$/.test(withoutEuro) ? ' (virgule décimale attendue)' : '';
    return fail(`Montant invalide : ${quoted(text)}${hint}`);
  }
  const [, minus, integerPart = '0', decimals = ''] = match;
  const integer = integerPart.replace(GROUP_SEPARATORS, '').replace(/^0+(?=\d)/, '');
  if (integer.length > MAX_AMOUNT_INTEGER_DIGITS) {
    return fail(`Montant invalide : ${quoted(text)} (montant hors limites)`);
  }
  if (decimals.length > 2 && !/^0+$/.test(decimals.slice(2))) {
    return fail(`Montant invalide : ${quoted(text)} (2 décimales au plus)`);
  }
  const cents = decimals.padEnd(2, '0').slice(0, 2);
  const zero = integer === '0' && cents === '00';
  return ok(`${minus !== undefined && !zero ? '-' : ''}${integer}.${cents}`);
}

const DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/;
/** Excel's serial day 0 (1899-12-30, the 1900 date system), in ms since the epoch. */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

const SLASH = 0x2f;

/** The number written by the two digits at `at`, NaN if they are not digits. */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - 48;
  const units = text.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && units >= 0 && units <= 9 ? tens * 10 + units : NaN;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function fromUtcDate(date: Date, shown: string): ParsedValue<string> {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < MIN_YEAR || year > MAX_YEAR) {
    return fail(`Date invalide : ${quoted(shown)} (année hors limites)`);
  }
  return ok(isoDate(year, date.getUTCMonth() + 1, date.getUTCDate()));
}

/**
 * `dd/mm/yyyy` (or `d/m/yyyy`, a time after it ignored) checked against the calendar, as
 * `YYYY-MM-DD`. From XLSX, a date cell or an Excel serial day number.
 */
export function parseDate(cell: AstreCell): ParsedValue<string> {
  if (cell instanceof Date) {
    return fromUtcDate(cell, frenchDate(cell));
  }
  if (typeof cell === 'number') {
    return Number.isFinite(cell) && cell >= 1
      ? fromUtcDate(new Date(EXCEL_EPOCH_MS + Math.floor(cell) * DAY_MS), String(cell))
      : fail(`Date invalide : ${quoted(String(cell))} (format attendu jj/mm/aaaa)`);
  }
  const text = cellToText(cell).trim();
  let day: number;
  let month: number;
  let year: number;
  if (text.length === 10 && text.charCodeAt(2) === SLASH && text.charCodeAt(5) === SLASH) {
    // The shape of nearly every cell, read without a regular expression.
    day = twoDigits(text, 0);
    month = twoDigits(text, 3);
    year = twoDigits(text, 6) * 100 + twoDigits(text, 8);
  } else {
    const match = DATE.exec(text);
    day = Number(match?.[1]);
    month = Number(match?.[2]);
    year = Number(match?.[3]);
  }
  if (Number.isNaN(day) || Number.isNaN(month) || Number.isNaN(year)) {
    return fail(`Date invalide : ${quoted(text)} (format attendu jj/mm/aaaa)`);
  }
  if (year < MIN_YEAR || year > MAX_YEAR) {
    return fail(`Date invalide : ${quoted(text)} (année hors limites)`);
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return fail(`Date invalide : ${text.split(/\s/)[0] ?? text} n'existe pas`);
  }
  return ok(isoDate(year, month, day));
}

/** Lower case, no accent, `_`/`-`/spaces collapsed: `À RECYCLER`, `a_recycler` → `a recycler`. */
export function normaliseLabel(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();
}

const ETAT_BY_LABEL: ReadonlyMap<string, AstreEtat> = new Map(
  ASTRE_ETATS.flatMap((etat) => [
    [normaliseLabel(ASTRE_ETAT_LABELS[etat]), etat],
    [normaliseLabel(etat), etat],
  ]),
);
/** Exports repeat a handful of spellings: remember them rather than normalise a million times. */
const etatCache = new Map<string, AstreEtat>();
const ETAT_CACHE_LIMIT = 256;
const ETAT_CHOICES = ASTRE_ETATS.map((etat) => ASTRE_ETAT_LABELS[etat]).join(', ');

/** `Intégrée`, `Service fait`, `Mandatée`, `Payée`, `Suspendue`, `Rejetée`, `A recycler`. */
export function parseEtat(cell: AstreCell): ParsedValue<AstreEtat> {
  const text = cellToText(cell);
  const cached = etatCache.get(text);
  if (cached !== undefined) {
    return ok(cached);
  }
  const etat = ETAT_BY_LABEL.get(normaliseLabel(text));
  if (etat === undefined) {
    return fail(`Etat inconnu : ${quoted(text.trim())} (valeurs admises : ${ETAT_CHOICES})`);
  }
  if (etatCache.size < ETAT_CACHE_LIMIT) {
    etatCache.set(text, etat);
  }
  return ok(etat);
}
