import { AstreImportError } from './astre-import-error';
import { type AstreFileFormat } from './byte-source';
import { type AstreSeparator, isSeparatorDirective } from './csv-tokenizer';
import {
  type AstreColumn,
  type AstreColumnMapping,
  type AstreFileKind,
  type AstreImportProfile,
  resolveColumns,
} from './profiles';
import { type AstreLineIssue, type AstreRow, AstreRowReader } from './rows';
import { type AstreEncoding } from './text-decoding';
import { type AstreCell, cellToText, isEmptyCell, normaliseLabel } from './values';

/** First event: how the file is read and what each column means. */
export interface AstreHeaderEvent {
  readonly type: 'header';
  readonly line: number;
  readonly format: AstreFileFormat;
  readonly kind: AstreFileKind;
  /** `null` for XLSX. */
  readonly separator: AstreSeparator | null;
  readonly columns: readonly AstreColumn[];
}

/** A valid, normalised row, with the physical line it starts on (header = 1). */
export interface AstreRowEvent<R extends AstreRow = AstreRow> {
  readonly type: 'row';
  readonly line: number;
  readonly row: R;
}

/** One problem on an invalid line (a line with several problems gives several events). */
export interface AstreLineErrorEvent extends AstreLineIssue {
  readonly type: 'invalid';
  readonly line: number;
}

/** Last event, only when the whole file was read: no file-level error. */
export interface AstreEndEvent {
  readonly type: 'end';
  readonly summary: AstreImportSummary;
}

export type AstreImportEvent<R extends AstreRow = AstreRow> =
  | AstreHeaderEvent
  | AstreRowEvent<R>
  | AstreLineErrorEvent
  | AstreEndEvent;

export interface AstreImportSummary {
  readonly format: AstreFileFormat;
  readonly kind: AstreFileKind;
  /** `null` for XLSX. Pure ASCII reads as `utf-8`. */
  readonly encoding: AstreEncoding | null;
  readonly bom: boolean;
  readonly separator: AstreSeparator | null;
  readonly headerLine: number;
  /** Data lines read: `valid + invalid` (blank lines and the total line excluded). */
  readonly rowsRead: number;
  readonly valid: number;
  /** Lines with at least one problem. */
  readonly invalid: number;
  /** Problems reported (`invalid` events); ≥ `invalid`. */
  readonly lineErrors: number;
  /** The line of the trailing total line that was skipped, if any. */
  readonly skippedTotalLine: number | null;
  readonly blankLines: number;
  /** Budget codes of valid rows that are not among the known budgets, sorted. */
  readonly unknownBudgetCodes: readonly string[];
}

export interface AstreRecordProcessorSettings {
  readonly format: AstreFileFormat;
  readonly kind: AstreFileKind | undefined;
  readonly profiles: readonly AstreImportProfile[];
  readonly knownBudgetCodes: ReadonlySet<string>;
}

const TOTAL_HINT = /^\s*(?:sous[\s-]?)?tota/i;
const TOTAL_LABEL = /^(?:sous )?(?:total|totaux)(?: general)?(?: ?:)?$/;

function isTotalLabel(cell: AstreCell): boolean {
  return (
    typeof cell === 'string' && TOTAL_HINT.test(cell) && TOTAL_LABEL.test(normaliseLabel(cell))
  );
}

function isBlank(cells: readonly AstreCell[]): boolean {
  for (const cell of cells) {
    if (!isEmptyCell(cell)) {
      return false;
    }
  }
  return true;
}

interface HeldRecord {
  readonly line: number;
  readonly cells: readonly AstreCell[];
}

/**
 * Turns records (the cells of one physical line, from CSV or XLSX) into events. The first
 * non-blank record is the header. A record that looks like a total line is held back until the
 * next non-blank record: only the last one of the file is skipped as a total.
 */
export class AstreRecordProcessor {
  separator: AstreSeparator | null = null;
  private mapping: AstreColumnMapping | null = null;
  private reader: AstreRowReader | null = null;
  private headerLine = 0;
  private held: HeldRecord | null = null;
  private directiveSeen = false;
  private rowsRead = 0;
  private valid = 0;
  private invalid = 0;
  private lineErrors = 0;
  private blankLines = 0;
  private readonly unknownBudgets = new Set<string>();

  constructor(private readonly settings: AstreRecordProcessorSettings) {}

  accept(line: number, cells: readonly AstreCell[], out: AstreImportEvent[]): void {
    if (isBlank(cells)) {
      this.blankLines++;
      return;
    }
    const reader = this.reader;
    if (reader === null) {
      if (this.isSeparatorDirective(cells)) {
        return;
      }
      this.readHeader(line, cells, out);
      return;
    }
    const held = this.held;
    if (held !== null) {
      this.held = null;
      this.processRow(reader, held.line, held.cells, out, isTotalLabel(held.cells[0] ?? null));
    }
    if (this.looksLikeTotal(reader, cells)) {
      this.held = { line, cells };
      return;
    }
    this.processRow(reader, line, cells, out, false);
  }

  /** Lines known to be blank without being read (rows an XLSX sheet does not store). */
  countBlankLines(count: number): void {
    this.blankLines += count;
  }

  /** After the last record: the summary, or a file-level error if there was nothing to read. */
  finish(
    out: AstreImportEvent[],
    decoding: { encoding: AstreEncoding | null; bom: boolean },
  ): void {
    const mapping = this.mapping;
    if (mapping === null) {
      throw new AstreImportError('EMPTY_FILE', 'Le fichier ne contient que des lignes vides.');
    }
    const skippedTotalLine = this.held?.line ?? null;
    this.held = null;
    if (this.rowsRead === 0) {
      throw new AstreImportError(
        'NO_DATA',
        skippedTotalLine === null
          ? `Le fichier ne contient que la ligne d’en-tête (ligne ${this.headerLine}) : aucune ligne de données.`
          : `Le fichier ne contient que la ligne d’en-tête et une ligne de total : aucune ligne de données.`,
        this.headerLine,
      );
    }
    out.push({
      type: 'end',
      summary: {
        format: this.settings.format,
        kind: mapping.profile.kind,
        encoding: decoding.encoding,
        bom: decoding.bom,
        separator: this.separator,
        headerLine: this.headerLine,
        rowsRead: this.rowsRead,
        valid: this.valid,
        invalid: this.invalid,
        lineErrors: this.lineErrors,
        skippedTotalLine,
        blankLines: this.blankLines,
        unknownBudgetCodes: [...this.unknownBudgets].sort(),
      },
    });
  }

  /** Excel's `sep=;` line before the header of a CSV: read by the tokenizer, not a header. */
  private isSeparatorDirective(cells: readonly AstreCell[]): boolean {
    if (this.settings.format !== 'csv' || this.directiveSeen || cells.length > 2) {
      return false;
    }
    const line = cells.map((cell) => cellToText(cell)).join(this.separator ?? ';');
    this.directiveSeen = isSeparatorDirective(line);
    return this.directiveSeen;
  }

  private readHeader(line: number, cells: readonly AstreCell[], out: AstreImportEvent[]): void {
    const headers = cells.map((cell) => cellToText(cell));
    while (headers.length > 0 && headers[headers.length - 1]?.trim() === '') {
      headers.pop();
    }
    const mapping = resolveColumns(headers, this.settings.profiles, this.settings.kind, line);
    this.mapping = mapping;
    this.reader = new AstreRowReader(mapping.profile.kind, mapping);
    this.headerLine = line;
    out.push({
      type: 'header',
      line,
      format: this.settings.format,
      kind: mapping.profile.kind,
      separator: this.separator,
      columns: mapping.columns,
    });
  }

  /** "First cell `Total`, or no invoice number and a sum" (astre-export.md). */
  private looksLikeTotal(reader: AstreRowReader, cells: readonly AstreCell[]): boolean {
    const kind = this.mapping?.profile.kind;
    const keyField = kind === 'factures' ? 'invoiceNumber' : 'engagementNumber';
    const keyEmpty = isEmptyCell(reader.cell(keyField, cells));
    if (
      isTotalLabel(cells[0] ?? null) &&
      (keyEmpty || this.mapping?.fieldIndex.get(keyField) === 0)
    ) {
      return true;
    }
    if (!keyEmpty) {
      return false;
    }
    return kind === 'factures'
      ? !isEmptyCell(reader.cell('amountTtc', cells)) &&
          isEmptyCell(reader.cell('supplierSiret', cells))
      : !isEmptyCell(reader.cell('engagedAmount', cells)) ||
          !isEmptyCell(reader.cell('solde', cells));
  }

  private processRow(
    reader: AstreRowReader,
    line: number,
    cells: readonly AstreCell[],
    out: AstreImportEvent[],
    totalInTheMiddle: boolean,
  ): void {
    this.rowsRead++;
    if (totalInTheMiddle) {
      this.reportInvalid(line, out, [
        {
          column: null,
          value: cellToText(cells[0] ?? null).trim(),
          reason:
            'Ligne de total au milieu du fichier : seule la dernière ligne peut être une ligne de total.',
        },
      ]);
      return;
    }
    const extra = this.extraCells(cells);
    const result = reader.read(cells);
    if ('row' in result && extra === null) {
      this.valid++;
      if (!this.settings.knownBudgetCodes.has(result.row.budgetCode)) {
        this.unknownBudgets.add(result.row.budgetCode);
      }
      out.push({ type: 'row', line, row: result.row });
      return;
    }
    const issues = 'issues' in result ? result.issues : [];
    this.reportInvalid(line, out, extra === null ? issues : [extra, ...issues]);
  }

  private reportInvalid(
    line: number,
    out: AstreImportEvent[],
    issues: readonly AstreLineIssue[],
  ): void {
    this.invalid++;
    this.lineErrors += issues.length;
    for (const issue of issues) {
      out.push({ type: 'invalid', line, ...issue });
    }
  }

  /**
   * CSV only: values past the last header are the sign of a separator left unquoted inside a
   * value, which shifts every following column. Empty trailing columns are fine.
   */
  private extraCells(cells: readonly AstreCell[]): AstreLineIssue | null {
    const width = this.mapping?.columns.length ?? 0;
    if (this.settings.format !== 'csv' || cells.length <= width) {
      return null;
    }
    let last = cells.length - 1;
    while (last >= width && isEmptyCell(cells[last] ?? null)) {
      last--;
    }
    if (last < width) {
      return null;
    }
    const separator = this.separator === '\t' ? 'tabulation' : `« ${this.separator ?? ';'} »`;
    return {
      column: null,
      value: cellToText(cells[last] ?? null).slice(0, 200),
      reason:
        `Ligne de ${last + 1} colonnes pour un en-tête de ${width} : une valeur contient ` +
        `probablement un séparateur ${separator} sans guillemets.`,
    };
  }
}
