import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { PART_NAMES, type PartName } from './report';

/** Sizes and switches, from the environment (see tools/bench/README.md). */
export interface BenchConfig {
  readonly workspaceRoot: string;
  readonly resultsDir: string;
  readonly parts: readonly PartName[];
  readonly seed: number;
  /** Invoices served by the simulator in the sync part. */
  readonly syncInvoices: number;
  /** Data lines of the ASTRE factures file (import), and ASTRE side of reconcile / list / export. */
  readonly astreRows: number;
  /** GET /anomalies calls measured in the list part (after the warm-up ones). */
  readonly listQueries: number;
  readonly listWarmup: number;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer ≥ ${min} (got "${raw}")`);
  }
  return value;
}

/** dist/tools/bench/main.js → the checkout; or the working directory when it holds the build. */
function findWorkspaceRoot(): string {
  const candidates = [process.cwd(), path.resolve(__dirname, '..', '..', '..')];
  for (const candidate of candidates) {
    if (existsSync(path.join(candidate, 'nx.json'))) {
      return candidate;
    }
  }
  throw new Error('Cannot find the workspace root (nx.json): run from the checkout.');
}

export function parseParts(args: readonly string[], env: NodeJS.ProcessEnv): PartName[] {
  const words = [...args, ...(env['BENCH_PARTS'] ?? '').split(/[\s,]+/)]
    .map((word) => word.trim().toLowerCase())
    .filter((word) => word !== '' && word !== 'all' && !word.startsWith('-'));
  const unknown = words.filter((word) => !(PART_NAMES as readonly string[]).includes(word));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown part(s): ${unknown.join(', ')} — choose from ${PART_NAMES.join(', ')}`,
    );
  }
  return words.length === 0 ? [...PART_NAMES] : PART_NAMES.filter((part) => words.includes(part));
}

export function loadBenchConfig(args: readonly string[], env: NodeJS.ProcessEnv): BenchConfig {
  const workspaceRoot = findWorkspaceRoot();
  return {
    workspaceRoot,
    resultsDir: path.resolve(workspaceRoot, env['BENCH_RESULTS_DIR'] ?? 'bench-results'),
    parts: parseParts(args, env),
    seed: integer(env, 'BENCH_SEED', 31, 0),
    syncInvoices: integer(env, 'BENCH_SYNC_INVOICES', 100_000, 100),
    astreRows: integer(env, 'BENCH_ROWS', 1_000_000, 1000),
    listQueries: integer(env, 'BENCH_LIST_QUERIES', 200, 10),
    listWarmup: integer(env, 'BENCH_LIST_WARMUP', 20, 0),
  };
}
