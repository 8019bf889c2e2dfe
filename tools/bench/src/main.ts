/**
 * `npm run bench [-- sync|import|reconcile|list|export …]`: drives the built API as a black box
 * (its own process, over HTTP) against a throw-away PostgreSQL and an in-process Chorus Pro
 * simulator, prints figures, ratios and PASS/MISS against the targets, and writes
 * bench-results/<part>.json. See tools/bench/README.md.
 */
import { loadBenchConfig } from './config';
import { BenchPostgres } from './infra/postgres';
import type { BenchContext, PartOutput } from './parts/context';
import { runExportPart } from './parts/export';
import { runImportPart } from './parts/import';
import { runListPart } from './parts/list';
import { closeShared } from './parts/main-dataset';
import { runReconcilePart } from './parts/reconcile';
import { runSyncPart } from './parts/sync';
import {
  printPart,
  renderTable,
  verdict,
  writePartJson,
  type PartName,
  type PartResult,
} from './report';
import { errorMessage, round } from './util';

const RUNNERS: Readonly<Record<PartName, (ctx: BenchContext) => Promise<PartOutput>>> = {
  sync: runSyncPart,
  import: runImportPart,
  reconcile: runReconcilePart,
  list: runListPart,
  export: runExportPart,
};

async function main(): Promise<void> {
  const config = loadBenchConfig(process.argv.slice(2), process.env);
  const benchStarted = performance.now();
  const log = (line: string): void => {
    const seconds = round((performance.now() - benchStarted) / 1000, 1).toFixed(1);
    console.log(`[${seconds.padStart(6)} s] ${line}`);
  };
  log(
    `parts: ${config.parts.join(', ')} — BENCH_SYNC_INVOICES=${config.syncInvoices}, BENCH_ROWS=${config.astreRows}, BENCH_LIST_QUERIES=${config.listQueries}`,
  );
  const pg = await BenchPostgres.start(log);
  const ctx: BenchContext = { config, pg, log, shared: new Map() };
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) {
      return;
    }
    interrupted = true;
    log(`${signal}: stopping the API and PostgreSQL…`);
    void closeShared(ctx)
      .catch(() => undefined)
      .then(() => pg.stop())
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const results: PartResult[] = [];
  try {
    for (const part of config.parts) {
      if (interrupted) {
        break;
      }
      log(`── ${part} ──`);
      const started = performance.now();
      let result: PartResult;
      try {
        const output = await RUNNERS[part](ctx);
        result = { part, ...output, durationMs: Math.round(performance.now() - started) };
      } catch (error) {
        log(`${part} failed: ${errorMessage(error)}`);
        result = {
          part,
          status: 'failed',
          figures: [],
          notes: [`failed: ${errorMessage(error)}`],
          details: {
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          },
          durationMs: Math.round(performance.now() - started),
        };
      }
      results.push(result);
      printPart(result);
      const file = await writePartJson(config.resultsDir, result, {
        sizes: {
          BENCH_SYNC_INVOICES: config.syncInvoices,
          BENCH_ROWS: config.astreRows,
          BENCH_LIST_QUERIES: config.listQueries,
          BENCH_SEED: config.seed,
        },
      });
      log(`wrote ${file}`);
    }
    if (process.env['BENCH_HOLD'] === '1') {
      const state = ctx.shared.get('main-dataset') as
        | { dbUrl: string; api: { api: { baseUrl: string } } }
        | undefined;
      log(
        `BENCH_HOLD=1: PostgreSQL ${state?.dbUrl ?? pg.urlOf('postgres')}, API ${state?.api.api.baseUrl ?? '—'} — Ctrl-C (SIGINT) to stop them.`,
      );
      await new Promise<void>(() => {
        setInterval(() => undefined, 60_000);
      });
    }
  } finally {
    await closeShared(ctx);
    await pg.stop();
  }

  console.log(`\n== summary (${round((performance.now() - benchStarted) / 60_000, 1)} min in all)`);
  console.log(renderTable(results, true));
  const missed = results.flatMap((r) => r.figures).filter((f) => verdict(f) === 'MISS').length;
  const failed = results.filter((r) => r.status === 'failed').length;
  console.log(
    `\n${missed} target(s) missed, ${failed} part(s) failed, ${results.filter((r) => r.status === 'pending').length} pending.`,
  );
  // Benchmarks report, they do not gate: only a part that could not run fails the command.
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
