import { formatCalendarDateFr, type CalendarDate } from '@cd31/domain';

/**
 * Cell encodings shared by the CSV and XLSX exports.
 *
 * Formula injection (CSV injection): a spreadsheet evaluates a cell that starts with `=`, `+`,
 * `-` or `@` (and, in some versions, a tab or a carriage return before them) as a formula, so a
 * supplier named `=HYPERLINK("http://x")` could run one on an agent's computer. The rule:
 * - only TEXT cells are neutralised, by prefixing a single quote `'` (OWASP's advice): a text whose
 *   first character is one of `= + - @`, a tab, a carriage return or a line feed (or their
 *   full-width forms), or that starts with blanks followed by `= + - @`;
 * - numbers (amounts, day counts) are never text: they come from numeric database columns, are
 *   checked against a strict numeric pattern, and are written as numbers — a genuinely negative
 *   amount (a credit note, `-90,00`) stays a number Excel can add up. A value that fails the
 *   pattern is written as neutralised text instead.
 */
const FORMULA_START =
  /^(?:[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]|\s+[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;

export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** PostgreSQL numeric as text: `1234.56`, `-90.00`, `0`. */
const DECIMAL = /^-?\d+(?:\.\d+)?$/;

export function isDecimalText(value: string): boolean {
  return DECIMAL.test(value);
}

// ---------------------------------------------------------------------------------------------
// CSV for French Excel: `;` between cells, CRLF between lines, UTF-8 with a BOM (so Excel reads the
// accents), comma decimals without thousands separator (so Excel reads numbers), dd/mm/yyyy dates.

export const CSV_BOM = '\uFEFF';
export const CSV_SEPARATOR = ';';
export const CSV_LINE_END = '\r\n';

/** A text cell: neutralised, then quoted (quotes doubled) when it holds `;`, `"` or a line break. */
export function csvText(value: string | null): string {
  if (value === null) {
    return '';
  }
  const safe = neutraliseFormula(value);
  return /[;"\r\n]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** `1234.56` → `1234,56`; never quoted, never prefixed. */
export function csvDecimal(value: string | null): string {
  if (value === null) {
    return '';
  }
  return isDecimalText(value) ? value.replace('.', ',') : csvText(value);
}

export function csvInteger(value: number | null): string {
  return value !== null && Number.isInteger(value) ? String(value) : '';
}

export function csvDate(value: CalendarDate | null): string {
  return value === null ? '' : formatCalendarDateFr(value);
}

export function csvLine(cells: readonly string[]): string {
  return cells.join(CSV_SEPARATOR) + CSV_LINE_END;
}

// ---------------------------------------------------------------------------------------------
// XLSX: typed cells.

/** Excel stores a date as a day number without time zone: the Paris calendar date at UTC midnight. */
export function excelDate(value: CalendarDate | null): Date | null {
  if (value === null) {
    return null;
  }
  const [year, month, day] = value.split('-').map(Number);
  return new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1));
}

/** An amount as a number, or the neutralised text when it is not a decimal. */
export function excelDecimal(value: string | null): number | string | null {
  if (value === null) {
    return null;
  }
  return isDecimalText(value) ? Number(value) : neutraliseFormula(value);
}

/**
 * Number formats are stored locale-neutral (`,` groups, `.` decimals); French Excel shows
 * `1 234,56 €` and `12/03/2025`.
 */
export const XLSX_FORMATS = {
  amount: '#,##0.00 "€";-#,##0.00 "€"',
  integer: '0',
  date: 'dd/mm/yyyy',
  text: '@',
} as const;
