import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';
import type { AnomalyRow } from '../anomalies/anomaly-rows';
import { ANOMALY_EXPORT_COLUMNS, type AnomalyExportColumn } from './anomaly-export-columns';
import {
  drained,
  ExportAbortedError,
  isDrainable,
  needsDrain,
  type DrainableStream,
} from './back-pressure';
import {
  CSV_BOM,
  csvDate,
  csvDecimal,
  csvInteger,
  csvLine,
  csvText,
  excelDate,
  excelDecimal,
  neutraliseFormula,
  XLSX_FORMATS,
} from './spreadsheet-cells';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * Writes the anomaly rows to the HTTP response in one format. `writeRows` resolves when the
 * response can take more (back-pressure); it rejects with ExportAbortedError once the client is gone.
 */
export interface AnomalyExportWriter {
  writeHeader(): void;
  writeRows(rows: readonly AnomalyRow[]): Promise<void>;
  end(): Promise<void>;
}

export function createExportWriter(format: ExportFormat, output: Writable): AnomalyExportWriter {
  switch (format) {
    case 'csv':
      return new CsvExportWriter(output);
    case 'xlsx':
      return new XlsxExportWriter(output);
  }
}

function csvCell(column: AnomalyExportColumn, row: AnomalyRow): string {
  switch (column.kind) {
    case 'text':
      return csvText(column.value(row));
    case 'amount':
      return csvDecimal(column.value(row));
    case 'integer':
      return csvInteger(column.value(row));
    case 'date':
      return csvDate(column.value(row));
  }
}

class CsvExportWriter implements AnomalyExportWriter {
  constructor(private readonly output: Writable) {}

  writeHeader(): void {
    this.output.write(CSV_BOM + csvLine(ANOMALY_EXPORT_COLUMNS.map((c) => csvText(c.header))));
  }

  async writeRows(rows: readonly AnomalyRow[]): Promise<void> {
    // One write per batch: a few hundred kilobytes, then wait for the socket if it is full.
    const chunk = rows
      .map((row) => csvLine(ANOMALY_EXPORT_COLUMNS.map((column) => csvCell(column, row))))
      .join('');
    this.output.write(chunk);
    await drained(this.output);
  }

  end(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.output.destroyed) {
        reject(new ExportAbortedError());
        return;
      }
      this.output.end(() => resolve());
    });
  }
}

const HEADER_FILL: ExcelJS.Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FFE3E8EF' },
};

/**
 * exceljs' streaming writer: each row is committed (serialised and forgotten) as soon as it is
 * written. Its zip stage ignores back-pressure — the sheet's buffer writes into the zip entry's
 * input stream whatever it returns — so after each batch we also wait for that input to drain,
 * which it only does while the deflate, and so the response, take the bytes. Memory stays bounded
 * by about a batch.
 */
class XlsxExportWriter implements AnomalyExportWriter {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly sheet: ExcelJS.Worksheet;
  private readonly closed: Promise<never>;
  private rowCount = 0;

  constructor(private readonly output: Writable) {
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: output,
      useStyles: true,
      // Shared strings would keep every distinct text in memory until the end.
      useSharedStrings: false,
    });
    this.workbook.creator = 'CD31 — suivi Chorus Pro';
    this.sheet = this.workbook.addWorksheet('Anomalies', {
      views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }],
    });
    this.sheet.columns = ANOMALY_EXPORT_COLUMNS.map((column) => ({
      width: column.width,
      style: { numFmt: XLSX_FORMATS[column.kind === 'text' ? 'text' : column.kind] },
    }));
    this.closed = new Promise<never>((_resolve, reject) => {
      output.once('close', () => reject(new ExportAbortedError()));
    });
    // The rejection after a normal end is expected: only the races below listen to it.
    this.closed.catch(() => undefined);
  }

  writeHeader(): void {
    const row = this.sheet.addRow(ANOMALY_EXPORT_COLUMNS.map((c) => c.header));
    row.eachCell((cell) => {
      cell.font = { bold: true };
      cell.fill = HEADER_FILL;
      cell.numFmt = XLSX_FORMATS.text;
      cell.alignment = { vertical: 'middle', wrapText: true };
    });
    row.commit();
    this.rowCount = 1;
  }

  async writeRows(rows: readonly AnomalyRow[]): Promise<void> {
    for (const data of rows) {
      const row = this.sheet.addRow([]);
      ANOMALY_EXPORT_COLUMNS.forEach((column, index) => {
        const cell = row.getCell(index + 1);
        switch (column.kind) {
          case 'text': {
            const value = column.value(data);
            // Always a string (never parsed, never a formula), typed as text so that editing the
            // cell in Excel keeps it text.
            cell.value = value === null ? null : neutraliseFormula(String(value));
            cell.numFmt = XLSX_FORMATS.text;
            break;
          }
          case 'amount':
            cell.value = excelDecimal(column.value(data));
            cell.numFmt = XLSX_FORMATS.amount;
            break;
          case 'integer':
            cell.value = column.value(data);
            cell.numFmt = XLSX_FORMATS.integer;
            break;
          case 'date':
            cell.value = excelDate(column.value(data));
            cell.numFmt = XLSX_FORMATS.date;
            break;
        }
      });
      row.commit();
      this.rowCount++;
    }
    await this.ready();
  }

  async end(): Promise<void> {
    // The filter covers the data (written at the end of the sheet, so the row count is known).
    this.sheet.autoFilter = {
      from: { row: 1, column: 1 },
      to: { row: Math.max(1, this.rowCount), column: ANOMALY_EXPORT_COLUMNS.length },
    };
    this.sheet.commit();
    await Promise.race([this.workbook.commit(), this.closed]);
  }

  /** Waits until neither the response nor the zip's deflate input holds a full buffer. */
  private async ready(): Promise<void> {
    // Lets the archive pick up the sheet stream (it attaches asynchronously).
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (;;) {
      if (this.output.destroyed) {
        throw new ExportAbortedError();
      }
      if (this.output.writableNeedDrain) {
        await drained(this.output);
        continue;
      }
      const blocked = this.zipInputs().find(needsDrain);
      if (!blocked) {
        return;
      }
      await Promise.race([drained(blocked), this.closed]);
    }
  }

  /**
   * The streams exceljs' sheet buffer writes into — the zip entry's input (exceljs 4.4 internals,
   * read defensively: if they move, only the response paces the export).
   */
  private zipInputs(): DrainableStream[] {
    const internals = this.sheet as unknown as { stream?: { pipes?: unknown } };
    const pipes = internals.stream?.pipes;
    return Array.isArray(pipes) ? pipes.filter(isDrainable) : [];
  }
}
