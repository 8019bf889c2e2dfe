import { type AstreFactureRow } from './astre-model';
import { type Dataset } from './dataset';
import { hash32 } from './prng';

/** Headers of the default profile (astre-export.md), exactly. */
export const ASTRE_FACTURES_HEADERS = [
  'Budget',
  'Exercice',
  'N° Chorus',
  'N° facture',
  'SIRET fournisseur',
  'Fournisseur',
  'Date facture',
  'Date intégration',
  'Montant TTC',
  'N° engagement',
  'Code service',
  'Etat',
  'N° mandat',
  'Date mandat',
] as const;

export const ASTRE_ENGAGEMENTS_HEADERS = [
  'Budget',
  'N° engagement',
  'Code service',
  'SIRET fournisseur',
  'Montant engagé',
  'Solde',
] as const;

/**
 * Where the writers put their text: a Node `Writable` (file, HTTP response, PassThrough) fits.
 * The writers wait for `drain` when `write` returns false, and never end the sink.
 */
export interface TextSink {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'drain', listener: () => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

export interface CsvWriteSummary {
  /** Data lines written (header and Total line excluded). */
  readonly rows: number;
  /** Sum of the amount column (Montant TTC, or Montant engagé), in cents. */
  readonly totalCents: number;
}

const BOM = '\uFEFF';
const CRLF = '\r\n';
const NBSP = '\u00a0';
const CHUNK_CHARS = 64 * 1024;

/** `1 234,56` — French amount with the given thousands separator (space, no-break space or none). */
export function formatFrenchAmount(cents: number, thousandsSeparator: string = ' '): string {
  const negative = cents < 0;
  const abs = Math.abs(Math.round(cents));
  const units = String(Math.floor(abs / 100));
  const decimals = String(abs % 100).padStart(2, '0');
  let grouped = '';
  for (let i = 0; i < units.length; i++) {
    if (i > 0 && (units.length - i) % 3 === 0) {
      grouped += thousandsSeparator;
    }
    grouped += units[i];
  }
  return `${negative ? '-' : ''}${grouped},${decimals}`;
}

/** `YYYY-MM-DD` → `dd/mm/yyyy`. */
function frenchDate(isoDay: string | null): string {
  if (!isoDay) {
    return '';
  }
  return `${isoDay.slice(8, 10)}/${isoDay.slice(5, 7)}/${isoDay.slice(0, 4)}`;
}

/** Quotes a field when it holds a separator, a quote or a line break (quotes doubled). */
export function csvField(value: string): string {
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(';') + CRLF;
}

/** Excel habits: mostly a normal space, sometimes a no-break space, sometimes no separator. */
function thousandsSeparatorFor(seed: number, line: number): string {
  const draw = hash32(seed, line, 9) % 10;
  return draw < 6 ? ' ' : draw < 9 ? NBSP : '';
}

function facturesFields(row: AstreFactureRow, separator: string): string[] {
  return [
    row.budget,
    String(row.exercice),
    row.numeroChorus === null ? '' : String(row.numeroChorus),
    row.numeroFacture,
    row.siretFournisseur,
    row.fournisseur,
    frenchDate(row.dateFacture),
    frenchDate(row.dateIntegration),
    formatFrenchAmount(row.montantTTCCents, separator),
    row.numeroEngagement ?? '',
    row.codeService ?? '',
    row.etat,
    row.numeroMandat ?? '',
    frenchDate(row.dateMandat),
  ];
}

/** Lazily yields the ASTRE factures export in ~64 kB chunks: BOM + header, rows, `Total` line. */
export function* astreFacturesCsvChunks(
  dataset: Dataset,
  summary?: { rows: number; totalCents: number },
): Generator<string> {
  let chunk = BOM + csvLine(ASTRE_FACTURES_HEADERS);
  let rows = 0;
  let totalCents = 0;
  for (const row of dataset.astreFactureRows()) {
    chunk += csvLine(facturesFields(row, thousandsSeparatorFor(dataset.seed, rows)));
    rows++;
    totalCents += row.montantTTCCents;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  const total = ASTRE_FACTURES_HEADERS.map(() => '');
  total[0] = 'Total';
  total[8] = formatFrenchAmount(totalCents);
  yield chunk + csvLine(total);
  if (summary) {
    summary.rows = rows;
    summary.totalCents = totalCents;
  }
}

/** Lazily yields the ASTRE engagements export: BOM + header, one line per engagement, `Total` line. */
export function* astreEngagementsCsvChunks(
  dataset: Dataset,
  summary?: { rows: number; totalCents: number },
): Generator<string> {
  let chunk = BOM + csvLine(ASTRE_ENGAGEMENTS_HEADERS);
  let totalCents = 0;
  let soldeCents = 0;
  for (const e of dataset.engagements) {
    const separator = thousandsSeparatorFor(dataset.seed ^ 0x5a5a, e.index);
    chunk += csvLine([
      e.budgetCode,
      e.numero,
      e.codeService,
      e.siretFournisseur,
      formatFrenchAmount(e.montantEngageCents, separator),
      formatFrenchAmount(e.soldeCents, separator),
    ]);
    totalCents += e.montantEngageCents;
    soldeCents += e.soldeCents;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk +
    csvLine(['Total', '', '', '', formatFrenchAmount(totalCents), formatFrenchAmount(soldeCents)]);
  if (summary) {
    summary.rows = dataset.engagements.length;
    summary.totalCents = totalCents;
  }
}

async function pump(chunks: Iterable<string>, sink: TextSink): Promise<void> {
  for (const chunk of chunks) {
    if (!sink.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          sink.removeListener('error', onError);
          resolve();
        };
        const onError = (error: Error): void => {
          sink.removeListener('drain', onDrain);
          reject(error);
        };
        sink.once('drain', onDrain);
        sink.once('error', onError);
      });
    }
  }
}

/**
 * Streams the ASTRE "factures" export of the dataset (as ASTRE would print it at the dataset's
 * now) into `sink`, honouring back-pressure. Does not end the sink.
 */
export async function writeAstreFacturesCsv(
  dataset: Dataset,
  sink: TextSink,
): Promise<CsvWriteSummary> {
  const summary = { rows: 0, totalCents: 0 };
  await pump(astreFacturesCsvChunks(dataset, summary), sink);
  return summary;
}

/** Streams the ASTRE engagements reference export into `sink`. Does not end the sink. */
export async function writeAstreEngagementsCsv(
  dataset: Dataset,
  sink: TextSink,
): Promise<CsvWriteSummary> {
  const summary = { rows: 0, totalCents: 0 };
  await pump(astreEngagementsCsvChunks(dataset, summary), sink);
  return summary;
}
