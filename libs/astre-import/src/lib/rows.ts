import { type AstreField } from '@cd31/domain';
import { type AstreColumnMapping, type AstreFileKind, fieldDefinition } from './profiles';
import {
  type AstreCell,
  type AstreEtat,
  type ParsedValue,
  cellToText,
  isEmptyCell,
  parseAmount,
  parseBudgetCode,
  parseChorusId,
  parseDate,
  parseEtat,
  parseSiret,
  parseText,
  parseYear,
} from './values';

/** One invoice of a `factures` export, validated and normalised. */
export interface AstreInvoiceRow {
  readonly kind: 'factures';
  /** Two digits: `01`, `15`, `40`… (unknown codes pass; see the summary's `unknownBudgetCodes`). */
  readonly budgetCode: string;
  readonly exercice: number | null;
  /** Chorus Pro `idFacture`, when ASTRE kept it. */
  readonly chorusInvoiceId: number | null;
  /** As printed (trimmed): the key uses `normaliseInvoiceNumber`. */
  readonly invoiceNumber: string;
  /** 14 digits, Luhn-valid. */
  readonly supplierSiret: string;
  readonly supplierName: string | null;
  /** `YYYY-MM-DD`. */
  readonly invoiceDate: string | null;
  /** `YYYY-MM-DD`. */
  readonly integrationDate: string;
  /** Decimal string, two decimals, `.` separator: `"-120.00"`, `"1234.56"`. */
  readonly amountTtc: string;
  /** As entered in ASTRE (trimmed): normalising it is the domain's job. */
  readonly engagementNumber: string | null;
  readonly serviceCode: string | null;
  readonly etat: AstreEtat;
  readonly mandatNumber: string | null;
  /** `YYYY-MM-DD`. */
  readonly mandatDate: string | null;
}

/** One engagement of an `engagements` export. */
export interface AstreEngagementRow {
  readonly kind: 'engagements';
  readonly budgetCode: string;
  /** As entered in ASTRE (trimmed). */
  readonly engagementNumber: string;
  readonly serviceCode: string | null;
  readonly supplierSiret: string | null;
  /** Decimal strings with two decimals. */
  readonly engagedAmount: string | null;
  readonly solde: string | null;
}

export type AstreRow = AstreInvoiceRow | AstreEngagementRow;

export interface AstreRowByKind {
  readonly factures: AstreInvoiceRow;
  readonly engagements: AstreEngagementRow;
}

/** One problem on one line; a line may have several. */
export interface AstreLineIssue {
  /** The column's header as written in the file; `null` when the whole line is at fault. */
  readonly column: string | null;
  /** The cell as read (shortened past 200 characters); `null` when empty or not one cell. */
  readonly value: string | null;
  /** French, for the user. */
  readonly reason: string;
}

const MAX_REPORTED_VALUE = 200;
const EXCEL_TEXT_FORMULA = /^="((?:[^"]|"")*)"$/;

function reportedValue(cell: AstreCell): string | null {
  const text = cellToText(cell);
  if (text === '') {
    return null;
  }
  return text.length > MAX_REPORTED_VALUE ? `${text.slice(0, MAX_REPORTED_VALUE)}…` : text;
}

function nonEmptyText(cell: AstreCell): ParsedValue<string> {
  const parsed = parseText(cell);
  if (!parsed.ok) {
    return parsed;
  }
  return parsed.value === null
    ? { ok: false, reason: 'Valeur vide' }
    : { ok: true, value: parsed.value };
}

/**
 * Reads the cells of one line through the column mapping, collecting every problem rather than
 * stopping at the first, so that the report tells the user everything to fix at once.
 * `undefined` means "invalid, reported"; `null` an empty optional cell.
 */
export class AstreRowReader {
  private cells: readonly AstreCell[] = [];
  private issues: AstreLineIssue[] | null = null;
  private readonly indexByField: Partial<Record<AstreField, number>> = {};
  private readonly headerByField: Partial<Record<AstreField, string>> = {};

  constructor(
    private readonly kind: AstreFileKind,
    mapping: AstreColumnMapping,
  ) {
    for (const [field, index] of mapping.fieldIndex) {
      this.indexByField[field] = index;
      this.headerByField[field] =
        mapping.columns[index]?.header ?? fieldDefinition(kind, field).label;
    }
  }

  /** The cell of `field` in `cells` (a line not read yet), or in the line being read. */
  cell(field: AstreField, cells: readonly AstreCell[] = this.cells): AstreCell {
    const index = this.indexByField[field];
    const cell = index === undefined ? null : (cells[index] ?? null);
    // `="01"`: how a CSV meant for Excel keeps leading zeros. The cell holds what is quoted.
    if (typeof cell === 'string' && cell.charCodeAt(0) === 0x3d) {
      const formula = EXCEL_TEXT_FORMULA.exec(cell);
      return formula === null ? cell : (formula[1] ?? '').replace(/""/g, '"');
    }
    return cell;
  }

  /** Reads `cells` into a row of the mapped kind, or returns the problems found. */
  read(
    cells: readonly AstreCell[],
  ): { readonly row: AstreRow } | { readonly issues: readonly AstreLineIssue[] } {
    this.cells = cells;
    this.issues = null;
    const row = this.kind === 'factures' ? this.readInvoice() : this.readEngagement();
    const issues = this.issues;
    this.cells = [];
    this.issues = null;
    if (row === undefined || issues !== null) {
      return { issues: issues ?? [] };
    }
    return { row };
  }

  private report(field: AstreField | null, cell: AstreCell, reason: string): void {
    (this.issues ??= []).push({
      column: field === null ? null : (this.headerByField[field] ?? null),
      value: reportedValue(cell),
      reason,
    });
  }

  private checkedCell(field: AstreField): AstreCell | undefined {
    const cell = this.cell(field);
    if (cell !== null && typeof cell === 'object' && !(cell instanceof Date)) {
      this.report(field, cell, `Cellule en erreur dans Excel : ${cell.excelError}`);
      return undefined;
    }
    return cell;
  }

  private required<T>(
    field: AstreField,
    parse: (cell: AstreCell) => ParsedValue<T>,
  ): T | undefined {
    const cell = this.checkedCell(field);
    if (cell === undefined) {
      return undefined;
    }
    if (isEmptyCell(cell)) {
      this.report(
        field,
        cell,
        `Valeur obligatoire manquante : ${fieldDefinition(this.kind, field).label}`,
      );
      return undefined;
    }
    const parsed = parse(cell);
    if (parsed.ok) {
      return parsed.value;
    }
    this.report(field, cell, parsed.reason);
    return undefined;
  }

  private optional<T>(
    field: AstreField,
    parse: (cell: AstreCell) => ParsedValue<T>,
  ): T | null | undefined {
    const cell = this.checkedCell(field);
    if (cell === undefined) {
      return undefined;
    }
    if (isEmptyCell(cell)) {
      return null;
    }
    const parsed = parse(cell);
    if (parsed.ok) {
      return parsed.value;
    }
    this.report(field, cell, parsed.reason);
    return undefined;
  }

  private readInvoice(): AstreInvoiceRow | undefined {
    const budgetCode = this.required('budgetCode', parseBudgetCode);
    const exercice = this.optional('exercice', parseYear);
    const chorusInvoiceId = this.optional('chorusInvoiceId', parseChorusId);
    const invoiceNumber = this.required('invoiceNumber', nonEmptyText);
    const supplierSiret = this.required('supplierSiret', parseSiret);
    const supplierName = this.optional('supplierName', parseText);
    const invoiceDate = this.optional('invoiceDate', parseDate);
    const integrationDate = this.required('integrationDate', parseDate);
    const amountTtc = this.required('amountTtc', parseAmount);
    const engagementNumber = this.optional('engagementNumber', parseText);
    const serviceCode = this.optional('serviceCode', parseText);
    const etat = this.required('etat', parseEtat);
    const mandatNumber = this.optional('mandatNumber', parseText);
    const mandatDate = this.optional('mandatDate', parseDate);
    if (
      budgetCode === undefined ||
      exercice === undefined ||
      chorusInvoiceId === undefined ||
      invoiceNumber === undefined ||
      supplierSiret === undefined ||
      supplierName === undefined ||
      invoiceDate === undefined ||
      integrationDate === undefined ||
      amountTtc === undefined ||
      engagementNumber === undefined ||
      serviceCode === undefined ||
      etat === undefined ||
      mandatNumber === undefined ||
      mandatDate === undefined
    ) {
      return undefined;
    }
    return {
      kind: 'factures',
      budgetCode,
      exercice,
      chorusInvoiceId,
      invoiceNumber,
      supplierSiret,
      supplierName,
      invoiceDate,
      integrationDate,
      amountTtc,
      engagementNumber,
      serviceCode,
      etat,
      mandatNumber,
      mandatDate,
    };
  }

  private readEngagement(): AstreEngagementRow | undefined {
    const budgetCode = this.required('budgetCode', parseBudgetCode);
    const engagementNumber = this.required('engagementNumber', nonEmptyText);
    const serviceCode = this.optional('serviceCode', parseText);
    const supplierSiret = this.optional('supplierSiret', parseSiret);
    const engagedAmount = this.optional('engagedAmount', parseAmount);
    const solde = this.optional('solde', parseAmount);
    if (
      budgetCode === undefined ||
      engagementNumber === undefined ||
      serviceCode === undefined ||
      supplierSiret === undefined ||
      engagedAmount === undefined ||
      solde === undefined
    ) {
      return undefined;
    }
    return {
      kind: 'engagements',
      budgetCode,
      engagementNumber,
      serviceCode,
      supplierSiret,
      engagedAmount,
      solde,
    };
  }
}
