import { StatementSampler, type StatementProfile } from '../infra/pg-activity';
import { queryRows, withClient } from '../infra/postgres';
import type { Figure } from '../report';
import { elapsedMs, round } from '../util';
import { type BenchContext, type PartOutput, type ReconciliationRunRow } from './context';
import {
  ensureChorusLoaded,
  ensureFacturesImported,
  mainState,
  type MainState,
} from './main-dataset';

/**
 * The floor the engine is compared with: the two joins of the matching rule (by Chorus id, and by
 * supplier SIRET + normalised invoice number for ASTRE rows without one), counted, nothing written.
 */
export const HAND_WRITTEN_JOIN = `
SELECT (SELECT count(*) FROM chorus_invoice c
          LEFT JOIN astre_invoice a ON a.chorus_invoice_id = c.id_facture) AS by_chorus_id,
       (SELECT count(*) FROM astre_invoice a
          JOIN chorus_invoice c ON c.code_fournisseur = a.supplier_siret
                               AND upper(btrim(c.numero_facture)) = a.invoice_number_norm
         WHERE a.chorus_invoice_id IS NULL) AS by_supplier_number`;

/**
 * The same matching written once by hand and materialised (what a one-off reconciliation script
 * would do): the pairs of both rules into a fresh table. Context for the ratio, not its target.
 */
export const MATERIALISED_JOIN = `
CREATE TEMP TABLE bench_match AS
SELECT c.id_facture, a.row_key FROM chorus_invoice c JOIN astre_invoice a ON a.chorus_invoice_id = c.id_facture
UNION ALL
SELECT c.id_facture, a.row_key FROM astre_invoice a
  JOIN chorus_invoice c ON c.code_fournisseur = a.supplier_siret
                       AND upper(btrim(c.numero_facture)) = a.invoice_number_norm
 WHERE a.chorus_invoice_id IS NULL`;

/** Which step of ReconciliationService a running statement belongs to (order matters). */
export function reconciliationStep(query: string): string {
  if (/CREATE TEMP TABLE merge_plan/.test(query)) {
    return 'merge: plan (detections paired with anomalies)';
  }
  if (
    /^\s*WITH catalogue|INSERT INTO anomaly|UPDATE anomaly a|FROM anomaly x|anomaly_event/.test(
      query,
    )
  ) {
    return 'merge: writes into anomaly (+ events)';
  }
  if (/CREATE INDEX anomaly_list_/.test(query)) {
    return 'merge: list indexes built after a first fill';
  }
  const table = /CREATE TEMP TABLE (recon_\w+)/.exec(query)?.[1];
  if (table) {
    return `detect: ${table}`;
  }
  const rule = /INSERT INTO detected[\s\S]*?'([A-Z_]+)'/.exec(query)?.[1];
  if (rule) {
    return `detect: rule ${rule}`;
  }
  if (/INSERT INTO detected|recon_invoice|TEMP TABLE detected|FROM detected/.test(query)) {
    return 'detect: other';
  }
  if (/invoice_payment_delay|invoice_status_event|first_mad_at IS NOT NULL/.test(query)) {
    return 'payment delays (DGP)';
  }
  if (/invoice_match/.test(query)) {
    return 'match';
  }
  if (
    /pg_advisory_xact_lock|reconciliation_run|anomaly_threshold_setting|interest_rate|anomaly_count_compact|SELECT count\(\*\) FROM chorus_invoice$/.test(
      query.trim(),
    )
  ) {
    return 'other (lock, settings, counts, run record)';
  }
  return `other: ${query.replace(/\s+/g, ' ').trim().slice(0, 60)}`;
}

interface FullRun {
  readonly clientMs: number;
  readonly result: Record<string, unknown>;
  readonly profile: StatementProfile;
}

async function fullRun(state: MainState): Promise<FullRun> {
  const sampler = new StatementSampler(state.dbUrl, reconciliationStep);
  await sampler.start();
  const started = performance.now();
  try {
    const result = await state.api.call('POST /reconciliation/runs', (client) =>
      client.json<Record<string, unknown>>('POST', '/api/v1/reconciliation/runs'),
    );
    return { clientMs: elapsedMs(started), result, profile: await sampler.stop() };
  } catch (error) {
    await sampler.stop();
    throw error;
  }
}

function recordedSteps(label: string, run: ReconciliationRunRow | undefined): Figure[] {
  return Object.entries(run?.steps ?? {}).map(([step, ms]) => ({
    name: `  ${label} (recorded): ${step}`,
    value: round(ms / 1000, 1),
    unit: 's',
  }));
}

function stepFigures(label: string, profile: StatementProfile): Figure[] {
  return Object.entries(profile.byLabel).map(([step, share]) => ({
    name: `  ${label}: ${step}`,
    value: round(share.approxMs / 1000, 1),
    unit: 's',
  }));
}

/** Once per run: the reconciliation over the full data set, after import and Chorus load. */
export async function ensureReconciled(ctx: BenchContext, state: MainState): Promise<void> {
  if (state.reconciled) {
    return;
  }
  await ensureFacturesImported(ctx, state);
  await ensureChorusLoaded(ctx, state);
  ctx.log('full reconciliation (setup)…');
  await fullRun(state);
  state.reconciled = true;
}

export async function runReconcilePart(ctx: BenchContext): Promise<PartOutput> {
  const state = await mainState(ctx);
  await ensureFacturesImported(ctx, state);
  await ensureChorusLoaded(ctx, state);
  const [sizes] = await queryRows<{ chorus: number; astre: number; anomalies: number }>(
    state.dbUrl,
    `SELECT (SELECT count(*) FROM chorus_invoice)::int AS chorus,
            (SELECT count(*) FROM astre_invoice)::int AS astre,
            (SELECT count(*) FROM anomaly)::int AS anomalies`,
  );

  ctx.log('hand-written join (3 times)…');
  const joinTimes: number[] = [];
  let joinCounts: Record<string, unknown> = {};
  await withClient(state.dbUrl, async (client) => {
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const result = await client.query<Record<string, unknown>>(HAND_WRITTEN_JOIN);
      joinTimes.push(elapsedMs(started));
      joinCounts = result.rows[0] ?? {};
    }
  });
  const joinMs = Math.min(...joinTimes);
  const materialisedTimes: number[] = [];
  await withClient(state.dbUrl, async (client) => {
    for (let i = 0; i < 3; i++) {
      await client.query('BEGIN');
      const started = performance.now();
      await client.query(MATERIALISED_JOIN);
      materialisedTimes.push(elapsedMs(started));
      await client.query('ROLLBACK');
    }
  });
  const materialisedMs = Math.min(...materialisedTimes);

  ctx.log('first full reconciliation (POST /reconciliation/runs)…');
  const first = await fullRun(state);
  state.reconciled = true;
  ctx.log('second full reconciliation (nothing changed)…');
  const second = await fullRun(state);
  const runs = await queryRows<ReconciliationRunRow>(
    state.dbUrl,
    `SELECT * FROM reconciliation_run WHERE trigger = 'manual' ORDER BY id DESC LIMIT 2`,
  );
  const [anomalies] = await queryRows<{ total: number; open: number }>(
    state.dbUrl,
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE state IN ('OUVERTE', 'EN_COURS'))::int AS open FROM anomaly`,
  );
  const firstMs = Number(first.result['durationMs'] ?? first.clientMs);
  const secondMs = Number(second.result['durationMs'] ?? second.clientMs);
  return {
    status: 'done',
    figures: [
      { name: 'Chorus invoices (bulk-loaded with COPY)', value: sizes?.chorus ?? null, unit: '' },
      { name: 'ASTRE rows (imported through the API)', value: sizes?.astre ?? null, unit: '' },
      { name: 'hand-written join (best of 3)', value: round(joinMs / 1000, 2), unit: 's' },
      {
        name: 'the same join materialised (best of 3, context)',
        value: round(materialisedMs / 1000, 2),
        unit: 's',
      },
      { name: 'first full run (no anomaly yet)', value: round(firstMs / 1000, 2), unit: 's' },
      {
        name: 'ratio first run / join',
        value: round(firstMs / joinMs, 1),
        unit: '×',
        target: { comparator: '<=', value: 1.5 },
      },
      {
        name: 'ratio first run / materialised join (context)',
        value: round(firstMs / materialisedMs, 1),
        unit: '×',
      },
      ...recordedSteps('first', runs[1]),
      ...stepFigures('first', first.profile),
      { name: 'second full run (nothing changed)', value: round(secondMs / 1000, 2), unit: 's' },
      {
        name: 'ratio second run / join',
        value: round(secondMs / joinMs, 1),
        unit: '×',
        target: { comparator: '<=', value: 1.5 },
      },
      ...recordedSteps('second', runs[0]),
      ...stepFigures('second', second.profile),
      { name: 'matched', value: Number(first.result['matched'] ?? 0), unit: 'invoices' },
      { name: 'detected', value: Number(first.result['detected'] ?? 0), unit: 'anomalies' },
      { name: 'anomalies open (OUVERTE/EN_COURS)', value: anomalies?.open ?? null, unit: '' },
    ],
    notes: [
      `Chorus side bulk-loaded with COPY from the same dataset (visible invoices, their current-status event and SUSPENDUE/COMPLETEE events, services, sync state), not synced: ${JSON.stringify(state.setup['chorusLoad'] ?? {})}.`,
      `hand-written join: ${HAND_WRITTEN_JOIN.replace(/\s+/g, ' ').trim()} → ${JSON.stringify(joinCounts)}; runs ${joinTimes.map((t) => Math.round(t)).join(' / ')} ms.`,
      'Steps "recorded" come from reconciliation_run.steps (exact); the finer split by statement kind comes from sampling pg_stat_activity every 50 ms during the run (approximate).',
      `anomalies before the first run: ${sizes?.anomalies ?? 0} (ABSENTE_CHORUS found after the import).`,
    ],
    details: {
      setup: state.setup,
      sizes,
      joinTimes,
      materialisedTimes,
      joinCounts,
      first,
      second,
      runRecords: runs,
      anomalies,
    },
  };
}
