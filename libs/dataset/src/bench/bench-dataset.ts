/**
 * Benchmark: generation, ground truth and ASTRE CSV writing for N invoices (default 1 000 000).
 * Run: npx nx run dataset:bench   (BENCH_INVOICES=… to change N)
 */
import { countAnomalies, expectedAnomalies } from '../lib/anomalies';
import { writeAstreEngagementsCsv, writeAstreFacturesCsv, type TextSink } from '../lib/astre-csv';
import { generateDataset } from '../lib/dataset';

const env =
  (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const invoiceCount = Number(env['BENCH_INVOICES'] ?? 1_000_000);

function countingSink(): TextSink & { chars: number } {
  return {
    chars: 0,
    write(chunk: string): boolean {
      this.chars += chunk.length;
      return true;
    },
    once: () => undefined,
    removeListener: () => undefined,
  };
}

const ms = (started: number): number => Math.round(performance.now() - started);

async function main(): Promise<void> {
  let started = performance.now();
  const dataset = generateDataset({ invoiceCount });
  const generateMs = ms(started);

  started = performance.now();
  let checksum = 0;
  for (let i = 0; i < dataset.invoiceCount; i += 97) {
    checksum += dataset.invoice(i).montantTTC;
  }
  const sampledRecordsPerSecond = Math.round(
    Math.ceil(invoiceCount / 97) / ((performance.now() - started) / 1000),
  );

  started = performance.now();
  const factures = countingSink();
  const facturesSummary = await writeAstreFacturesCsv(dataset, factures);
  const astreCsvMs = ms(started);
  const engagements = countingSink();
  await writeAstreEngagementsCsv(dataset, engagements);

  started = performance.now();
  const truth = expectedAnomalies(dataset);
  const truthMs = ms(started);

  console.log(
    JSON.stringify(
      {
        invoiceCount,
        generateMs,
        timelineEntries: dataset.columns.timelineStatus.length,
        sampledRecordsPerSecond,
        astreFacturesRows: facturesSummary.rows,
        astreFacturesMB: Math.round(factures.chars / 1e6),
        astreCsvMs,
        engagements: dataset.engagements.length,
        truthMs,
        truthKeys: truth.size,
        anomalies: countAnomalies(truth),
        checksum: Math.round(checksum),
      },
      null,
      2,
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
});
