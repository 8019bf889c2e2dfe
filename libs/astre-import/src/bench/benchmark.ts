// Throughput and memory of the import on generated exports. Run with `npx nx run astre-import:bench`
// (or the command of that target). Files go to the OS temporary folder and are deleted afterwards.
import ExcelJS from 'exceljs';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAstreExport } from '../lib/parse-astre-export';
import { type AstreInvoiceRow } from '../lib/rows';
import {
  SeededRandom,
  invoiceCsvHeader,
  invoiceCsvLine,
  randomInvoiceRow,
} from '../testing/astre-csv-writer';
import { ASTRE_INVOICE_FIELDS, ASTRE_FIELD_DEFINITIONS } from '@cd31/domain';
import { ASTRE_ETAT_LABELS } from '../lib/values';

const CSV_LINES = Number(process.env['BENCH_CSV_LINES'] ?? 1_000_000);
const XLSX_ROWS = Number(process.env['BENCH_XLSX_ROWS'] ?? 100_000);

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

async function writeCsv(file: string, lines: number): Promise<void> {
  const random = new SeededRandom(31);
  const out = createWriteStream(file);
  let buffer = `${invoiceCsvHeader()}\r\n`;
  for (let i = 0; i < lines; i++) {
    buffer += `${invoiceCsvLine(randomInvoiceRow(random, i % 10 === 0))}\r\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) {
        await once(out, 'drain');
      }
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

function excelRow(row: AstreInvoiceRow): unknown[] {
  const date = (iso: string | null): Date | null =>
    iso === null ? null : new Date(`${iso}T00:00:00Z`);
  return [
    row.budgetCode,
    row.exercice,
    row.chorusInvoiceId,
    row.invoiceNumber,
    row.supplierSiret,
    row.supplierName,
    date(row.invoiceDate),
    date(row.integrationDate),
    Number(row.amountTtc),
    row.engagementNumber,
    row.serviceCode,
    ASTRE_ETAT_LABELS[row.etat],
    row.mandatNumber,
    date(row.mandatDate),
  ];
}

async function writeXlsx(file: string, rows: number): Promise<void> {
  const random = new SeededRandom(62);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useSharedStrings: true,
  });
  const sheet = workbook.addWorksheet('Factures');
  sheet.columns = ASTRE_INVOICE_FIELDS.map((field) => ({
    header: ASTRE_FIELD_DEFINITIONS.factures[field].label,
    key: field,
    style: field.endsWith('Date') ? { numFmt: 'dd/mm/yyyy' } : {},
  }));
  for (let i = 0; i < rows; i++) {
    sheet.addRow(excelRow(randomInvoiceRow(random, false))).commit();
  }
  sheet.commit();
  await workbook.commit();
}

interface Measure {
  readonly seconds: number;
  readonly rows: number;
  readonly invalid: number;
  readonly peakRss: number;
}

/** In this process: parse the file, print the measure as JSON. */
async function measure(file: string): Promise<Measure> {
  let peakRss = process.memoryUsage().rss;
  let rows = 0;
  let invalid = 0;
  let events = 0;
  const started = process.hrtime.bigint();
  for await (const event of parseAstreExport(file)) {
    if (event.type === 'row') {
      rows++;
    } else if (event.type === 'invalid') {
      invalid++;
    }
    if (++events % 20_000 === 0) {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
  return { seconds, rows, invalid, peakRss };
}

/** In a fresh process, so that the peak RSS is the parser's alone. */
async function measureInChild(file: string): Promise<Measure> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    ...process.execArgv,
    __filename,
    'measure',
    file,
  ]);
  return JSON.parse(stdout) as Measure;
}

function report(label: string, lines: number, bytes: number, result: Measure): void {
  console.log(
    `${label}: ${lines.toLocaleString('en')} lines, ${mb(bytes)} → ${result.seconds.toFixed(2)} s, ` +
      `${Math.round(lines / result.seconds).toLocaleString('en')} lines/s, ` +
      `${(bytes / 1024 / 1024 / result.seconds).toFixed(0)} MB/s, peak RSS ${mb(result.peakRss)} ` +
      `(valid ${result.rows}, line errors ${result.invalid})`,
  );
}

async function main(): Promise<void> {
  const [mode, file] = process.argv.slice(2);
  if (mode === 'measure' && file !== undefined) {
    console.log(JSON.stringify(await measure(file)));
    return;
  }
  console.log(`node ${process.version}, ${CSV_LINES} CSV lines, ${XLSX_ROWS} XLSX rows`);
  const csv = path.join(tmpdir(), `astre-import-bench-${process.pid}.csv`);
  const xlsx = path.join(tmpdir(), `astre-import-bench-${process.pid}.xlsx`);
  try {
    await writeCsv(csv, CSV_LINES);
    const csvBytes = (await stat(csv)).size;
    for (let run = 1; run <= 3; run++) {
      report(`CSV run ${run}`, CSV_LINES, csvBytes, await measureInChild(csv));
    }
    if (XLSX_ROWS > 0) {
      await writeXlsx(xlsx, XLSX_ROWS);
      report('XLSX', XLSX_ROWS, (await stat(xlsx)).size, await measureInChild(xlsx));
    }
  } finally {
    if (process.env['BENCH_KEEP_FILES'] === undefined) {
      await rm(csv, { force: true });
      await rm(xlsx, { force: true });
    } else {
      console.log(`kept ${csv} and ${xlsx}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
