// Memory of a large anomaly export, measured end to end (HTTP, cursor, CSV/XLSX writers) on the
// server side (the client is curl, another process). Run:
//   node tools/build/build-node-app.mjs tmp/export-bench apps/api/src/exports/bench/export-memory.ts \
//     && node --expose-gc tmp/export-bench/export-memory.js
// BENCH_ROWS (default 100 000) anomalies are generated in a scratch database, on BENCH_ADMIN_URL
// (a PostgreSQL admin URL) or on an embedded PostgreSQL in the OS temporary folder. Each export is
// downloaded twice: by a fast client, and by a slow one (BENCH_SLOW_KBPS, default 2 048 kB/s) —
// without back-pressure, the slow download would leave the whole file in the server's memory.
// Live memory is sampled with a forced GC every BENCH_GC_MS (default 250; 0: RSS only, and the
// real speed).
import { startLocalPostgres } from '@cd31/local-postgres';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { DEMO_ACCOUNTS } from '../../auth/demo-accounts';
import { loadConfig } from '../../config/app-config';
import { migrate } from '../../database/migrate';
import { createHttpApp } from '../../http-app';

const execFileAsync = promisify(execFile);
const ROWS = Number(process.env['BENCH_ROWS'] ?? 100_000);
/** Forced-GC sampling of live memory (slows the XLSX export several times); 0 turns it off. */
const LIVE_SAMPLE_MS = Number(process.env['BENCH_GC_MS'] ?? 250);
const SLOW_BYTES_PER_SECOND = Number(process.env['BENCH_SLOW_KBPS'] ?? 2048) * 1024;

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function seed(url: string): Promise<void> {
  await withClient(url, async (client) => {
    await client.query(
      `INSERT INTO chorus_invoice (id_facture, budget_id, numero_facture, code_fournisseur, designation_fournisseur,
          montant_ttc, statut, numero_bon_commande, date_heure_etat_courant, first_mad_at)
       SELECT i, (SELECT id FROM budget ORDER BY code OFFSET i % 8 LIMIT 1), 'F-2025-' || i,
              lpad((i % 99999999999999)::text, 14, '0'), 'Fournisseur n° ' || i || ' — Société anonyme',
              round((random() * 50000)::numeric, 2), 'MISE_A_DISPOSITION', 'CP2025/X' || lpad(i::text, 6, '0') || '/1',
              now() - make_interval(days => i % 60), now() - make_interval(days => i % 60)
         FROM generate_series(1, $1) AS i`,
      [ROWS],
    );
    await client.query(
      `INSERT INTO anomaly (code, subject_key, id_facture, budget_id, severity, actor, first_detected_at,
          budget_code, invoice_number, supplier_siret, supplier_name, amount_ttc, chorus_status, engagement, status_at)
       SELECT 'MAD_NON_INTEGREE', 'bench:' || c.id_facture, c.id_facture, c.budget_id, 'CRITIQUE', 'SIF',
              c.date_heure_etat_courant, b.code, c.numero_facture, c.code_fournisseur, c.designation_fournisseur,
              c.montant_ttc, c.statut, c.numero_bon_commande, c.date_heure_etat_courant
         FROM chorus_invoice c JOIN budget b ON b.id = c.budget_id`,
    );
    await client.query('ANALYZE');
  });
}

interface Download {
  readonly bytes: number;
  readonly seconds: number;
  readonly peakRss: number;
  /** Live memory (V8 heap + buffers) right after a forced GC, at its highest during the download. */
  readonly peakLive: number;
}

function liveMemory(): number {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/**
 * Downloads `url` with curl — another process, so that only the server's memory is measured —
 * sampling this process's RSS, and its live memory (a forced GC every 250 ms, with --expose-gc).
 */
async function download(
  url: string,
  cookie: string,
  bytesPerSecond: number | null,
): Promise<Download> {
  let peakRss = process.memoryUsage().rss;
  let peakLive = liveMemory();
  const rssSampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const liveSampler =
    LIVE_SAMPLE_MS > 0
      ? setInterval(() => {
          peakLive = Math.max(peakLive, liveMemory());
        }, LIVE_SAMPLE_MS)
      : undefined;
  const started = Date.now();
  try {
    const { stdout } = await execFileAsync('curl', [
      '--silent',
      '--show-error',
      '--fail',
      '--output',
      '/dev/null',
      '--write-out',
      '%{size_download}',
      '--header',
      `Cookie: ${cookie}`,
      ...(bytesPerSecond === null ? [] : ['--limit-rate', String(bytesPerSecond)]),
      url,
    ]);
    return {
      bytes: Number(stdout),
      seconds: (Date.now() - started) / 1000,
      peakRss: Math.max(peakRss, process.memoryUsage().rss),
      peakLive: Math.max(peakLive, liveMemory()),
    };
  } finally {
    clearInterval(rssSampler);
    clearInterval(liveSampler);
  }
}

async function main(): Promise<void> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'cd31-export-bench-'));
  const embedded = process.env['BENCH_ADMIN_URL']
    ? null
    : await startLocalPostgres({
        dataDir: path.join(workDir, 'pg'),
        port: 0,
        database: 'postgres',
        persistent: false,
        tuning: 'fast',
      });
  const adminUrl = process.env['BENCH_ADMIN_URL'] ?? embedded?.url ?? '';
  const name = `cd31_export_bench_${randomBytes(4).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${name}`;
  try {
    await migrate(dbUrl.toString());
    console.log(`seeding ${ROWS} anomalies…`);
    await seed(dbUrl.toString());

    const app = await createHttpApp(
      loadConfig({
        LOG_LEVEL: 'silent',
        DASHBOARD_DIR: '/nonexistent',
        CHORUS_SYNC_CRON: 'off',
        CHORUS_SYNC_ON_START: 'false',
        RECONCILIATION_CRON: 'off',
      }),
      dbUrl.toString(),
    );
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    const base = `http://127.0.0.1:${port}/api/v1`;
    const account = DEMO_ACCOUNTS.find((a) => a.role === 'gestionnaire');
    const signIn = await fetch(`${base}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: account?.email, password: account?.password }),
    });
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');

    // Warm-up: code paths loaded, pools open, JIT done; then the baseline.
    for (const format of ['csv', 'xlsx']) {
      await download(`${base}/anomalies/export.${format}?maxAgeDays=0`, cookie, null);
      // (curl runs in another process: only the server is measured)
    }
    for (const format of ['csv', 'xlsx'] as const) {
      for (const speed of [null, SLOW_BYTES_PER_SECOND]) {
        const baselineLive = liveMemory();
        const baseline = process.memoryUsage().rss;
        const result = await download(`${base}/anomalies/export.${format}`, cookie, speed);
        console.log(
          `${format.toUpperCase()} ${ROWS} rows, ${speed === null ? 'fast client' : `client at ${speed / 1024} kB/s`}: ` +
            `${mb(result.bytes)} in ${result.seconds.toFixed(1)} s; RSS ${mb(baseline)} → peak ${mb(result.peakRss)} ` +
            `(+${mb(result.peakRss - baseline)}); live memory ${mb(baselineLive)} → peak ${mb(result.peakLive)} ` +
            `(+${mb(result.peakLive - baselineLive)})`,
        );
      }
    }
    await app.close();
  } finally {
    await withClient(adminUrl, (client) =>
      client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    );
    await embedded?.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
