import ExcelJS from 'exceljs';
import { AstreImportError } from './astre-import-error';
import { type ByteSource } from './byte-source';
import { type AstreCell } from './values';

export interface XlsxRecord {
  /** The sheet's row number: the line the user sees in Excel. */
  readonly line: number;
  readonly cells: readonly AstreCell[];
}

const BATCH_ROWS = 512;

/** exceljs's typed cell → our cell: formulas give their result, rich text its plain text. */
export function fromExcelValue(value: ExcelJS.CellValue): AstreCell {
  if (value === null || value === undefined) {
    return null;
  }
  if (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value instanceof Date
  ) {
    return value;
  }
  if ('error' in value) {
    return { excelError: String(value.error) };
  }
  if ('richText' in value) {
    return value.richText.map((part) => part.text).join('');
  }
  if ('formula' in value || 'sharedFormula' in value) {
    // exceljs's streaming reader parses an error result (`#N/A`) as a number: NaN.
    return typeof value.result === 'number' && Number.isNaN(value.result)
      ? { excelError: 'formule en erreur' }
      : fromExcelValue(value.result ?? null);
  }
  if ('hyperlink' in value) {
    return fromExcelValue(value.text as ExcelJS.CellValue);
  }
  return null;
}

function toCells(values: ExcelJS.Row['values']): AstreCell[] {
  if (!Array.isArray(values)) {
    return [];
  }
  // exceljs numbers cells from 1: index 0 is always empty.
  const cells: AstreCell[] = [];
  for (let i = 1; i < values.length; i++) {
    cells.push(fromExcelValue(values[i]));
  }
  return cells;
}

function invalidXlsx(message: string, cause?: unknown): AstreImportError {
  return new AstreImportError('INVALID_XLSX', message, null, { cause });
}

/**
 * The rows of the first sheet, in batches, read with exceljs's streaming reader (worksheet XML
 * parsed as it is unzipped; a sheet stored before the shared strings goes through a temporary
 * file, which exceljs manages). The shared-strings table is held in memory, as the format
 * requires. An error of the input stream rejects the step exceljs is waiting on: exceljs does not
 * forward it and would otherwise wait forever.
 */
export async function* readXlsxRecords(
  bytes: ByteSource,
): AsyncGenerator<readonly XlsxRecord[], void, undefined> {
  const input = bytes.toReadable();
  // Not Promise.race against one long-lived promise: every race would leave a reaction on it,
  // one per row, for the whole file.
  let failure: Error | null = null;
  let abort: ((error: Error) => void) | null = null;
  const fail = (error: unknown): void => {
    failure ??= error instanceof Error ? error : new Error(String(error));
    abort?.(failure);
  };
  input.once('error', fail);
  // exceljs pipes the input into unzipper, which reports a damaged entry (inflate error, bad
  // record) on itself; exceljs only hears it while iterating the archive, not while waiting on an
  // entry, and would then wait forever.
  const pipe = input.pipe.bind(input);
  input.pipe = <T extends NodeJS.WritableStream>(
    destination: T,
    options?: { end?: boolean },
  ): T => {
    destination.on('error', fail);
    return pipe(destination, options);
  };
  const next = <T>(iterator: AsyncIterator<T>): Promise<IteratorResult<T>> =>
    new Promise<IteratorResult<T>>((resolve, reject) => {
      if (failure !== null) {
        reject(failure);
        return;
      }
      abort = reject;
      iterator.next().then(resolve, reject);
    });

  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Styles tell exceljs which numbers are dates.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  // exceljs reads a worksheet as soon as it has met the shared strings and the relations; when the
  // ZIP stores `xl/workbook.xml` after the sheet (the writer's order varies), it reads the
  // workbook's sheet list and date system before they exist and fails. Until `workbook.xml`
  // replaces them: no sheet names (the first sheet is read whatever its name), the 1900 system.
  const pending = workbook as unknown as { model?: unknown; properties?: unknown };
  pending.model ??= { sheets: [] };
  pending.properties ??= { model: { date1904: false } };
  try {
    const sheets = workbook[Symbol.asyncIterator]();
    let sheetCount = 0;
    for (let sheet = await next(sheets); sheet.done !== true; sheet = await next(sheets)) {
      sheetCount++;
      if (sheetCount > 1) {
        // Later sheets are skipped; exceljs drains them so that the ZIP can be read to its end.
        continue;
      }
      const rows = sheet.value[Symbol.asyncIterator]();
      let batch: XlsxRecord[] = [];
      for (let row = await next(rows); row.done !== true; row = await next(rows)) {
        batch.push({ line: row.value.number, cells: toCells(row.value.values) });
        if (batch.length >= BATCH_ROWS) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) {
        yield batch;
      }
    }
    if (sheetCount === 0) {
      throw invalidXlsx(
        'Le fichier est une archive ZIP mais pas un classeur Excel (aucune feuille trouvée) : ' +
          'enregistrez l’export au format XLSX ou CSV.',
      );
    }
    if (!bytes.ended || !bytes.endsWithZipDirectory()) {
      throw invalidXlsx(
        'Le classeur XLSX est tronqué (fin du fichier ZIP absente) : importez-le à nouveau.',
      );
    }
  } catch (error) {
    if (error instanceof AstreImportError) {
      throw error;
    }
    const detail = error instanceof Error ? error.message : String(error);
    throw invalidXlsx(
      `Classeur XLSX endommagé ou illisible (détail : ${detail.replace(/\.$/, '')}). ` +
        'Ouvrez-le dans Excel et enregistrez-le de nouveau, ou exportez-le en CSV.',
      error,
    );
  } finally {
    input.destroy();
  }
}
