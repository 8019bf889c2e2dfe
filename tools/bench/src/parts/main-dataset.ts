/**
 * The large data set behind import, reconcile, list and export: one generated dataset (real now),
 * its ASTRE factures file of BENCH_ROWS lines imported through the API, and its Chorus Pro side
 * bulk-loaded with COPY (what a complete sync plus history enrichment would have stored). Each
 * step runs once per `npm run bench`, whichever part asks for it first.
 */
import { startChorusSimulator, type ChorusSimulator } from '@cd31/chorus-simulator';
import type { AstreImportDto } from '@cd31/contracts';
import {
  MINUTE_MS,
  astreFacturesCsvChunks,
  formatParisDate,
  generateDataset,
  writeAstreEngagementsCsv,
  type Dataset,
} from '@cd31/dataset';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { finished } from 'node:stream/promises';
import { once } from 'node:events';
import { HttpError } from '../infra/http';
import { copyRows, withClient } from '../infra/postgres';
import { elapsedMs } from '../util';
import {
  createAdmin,
  lastReconciliationId,
  startSignedInApi,
  waitForReconciliation,
  type BenchContext,
  type ReconciliationRunRow,
  type RunningApi,
} from './context';

const KEY = 'main-dataset';

export interface MainState {
  readonly now: Date;
  readonly dataset: Dataset;
  readonly dbUrl: string;
  readonly simulator: ChorusSimulator;
  readonly api: RunningApi;
  readonly setup: Record<string, unknown>;
  factures: FacturesFile | null;
  facturesImport: ImportOutcome | null;
  chorusLoaded: boolean;
  reconciled: boolean;
  settled: boolean;
}

export interface FacturesFile {
  readonly file: string;
  readonly rows: number;
  readonly bytes: number;
}

export interface ImportOutcome {
  readonly preview: AstreImportDto;
  readonly previewMs: number;
  readonly confirmed: AstreImportDto;
  readonly confirmMs: number;
  /** The reconciliation the API ran after the confirmation (inside the confirm call). */
  readonly reconciliation: ReconciliationRunRow | null;
}

/** ASTRE rows the dataset exports at `now` (the ASTRE-only rows included). */
function astreRowCount(dataset: Dataset): number {
  const nowMs = dataset.now.getTime();
  const downloaded = dataset.columns.downloadedAtMs;
  let rows = dataset.astreOnlyRowCount;
  for (let i = 0; i < downloaded.length; i++) {
    if ((downloaded[i] ?? Number.NaN) <= nowMs) {
      rows++;
    }
  }
  return rows;
}

/** The smallest dataset (≈) whose ASTRE export has at least `rows` lines. */
function datasetForRows(seed: number, rows: number, now: Date): Dataset {
  let invoiceCount = Math.ceil(rows / 0.85);
  for (;;) {
    const dataset = generateDataset({ seed, invoiceCount, now });
    const available = astreRowCount(dataset);
    if (available >= rows) {
      return dataset;
    }
    invoiceCount = Math.ceil((invoiceCount * rows * 1.01) / available);
  }
}

export async function mainState(ctx: BenchContext): Promise<MainState> {
  const existing = ctx.shared.get(KEY) as MainState | undefined;
  if (existing) {
    return existing;
  }
  const now = new Date(Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS);
  let started = performance.now();
  const dataset = datasetForRows(ctx.config.seed, ctx.config.astreRows, now);
  const datasetMs = elapsedMs(started);
  ctx.log(
    `main dataset: ${dataset.invoiceCount} invoices generated in ${Math.round(datasetMs)} ms`,
  );
  // The API needs a Chorus Pro connection to run in real-credentials mode; the sync never runs
  // here, so a tiny simulator will do.
  const simulator = await startChorusSimulator({ datasetOptions: { invoiceCount: 10, now } });
  const dbUrl = await ctx.pg.createDatabase('bench_main');
  started = performance.now();
  await createAdmin(ctx.config.workspaceRoot, dbUrl);
  const api = await startSignedInApi(ctx, dbUrl, simulator, { CHORUS_BACKFILL_MONTHS: '24' });
  const state: MainState = {
    now,
    dataset,
    dbUrl,
    simulator,
    api,
    setup: { invoiceCount: dataset.invoiceCount, datasetMs, apiStartMs: elapsedMs(started) },
    factures: null,
    facturesImport: null,
    chorusLoaded: false,
    reconciled: false,
    settled: false,
  };
  ctx.shared.set(KEY, state);

  // The engagements reference list first (small): ENGAGEMENT_INCONNU and BUDGET_INCOHERENT need it.
  started = performance.now();
  const engagementsFile = path.join(ctx.pg.tempDir, 'astre-engagements.csv');
  const sink = createWriteStream(engagementsFile, { encoding: 'utf8' });
  await writeAstreEngagementsCsv(dataset, sink);
  sink.end();
  await finished(sink);
  const engagements = await uploadAndConfirm(state, engagementsFile, 'engagements');
  state.setup['engagements'] = {
    rows: engagements.confirmed.counts.imported,
    ms: elapsedMs(started),
  };
  return state;
}

export async function closeShared(ctx: BenchContext): Promise<void> {
  const state = ctx.shared.get(KEY) as MainState | undefined;
  ctx.shared.delete(KEY);
  if (state) {
    await state.api.stop();
    await state.simulator.close();
  }
}

/** Writes the first BENCH_ROWS data lines of the dataset's ASTRE factures export (BOM, header, CRLF). */
export async function facturesFile(ctx: BenchContext, state: MainState): Promise<FacturesFile> {
  if (state.factures) {
    return state.factures;
  }
  const started = performance.now();
  const file = path.join(ctx.pg.tempDir, 'astre-factures.csv');
  const out = createWriteStream(file, { encoding: 'utf8' });
  let lines = 0;
  const wanted = ctx.config.astreRows + 1; // the header line, then the data lines
  for (const chunk of astreFacturesCsvChunks(state.dataset)) {
    let cut = chunk.length;
    let from = 0;
    for (;;) {
      const end = chunk.indexOf('\r\n', from);
      if (end === -1) {
        break;
      }
      lines++;
      from = end + 2;
      if (lines === wanted) {
        cut = from;
        break;
      }
    }
    if (!out.write(cut === chunk.length ? chunk : chunk.slice(0, cut))) {
      await once(out, 'drain');
    }
    if (lines >= wanted) {
      break;
    }
  }
  out.end();
  await finished(out);
  const bytes = (await stat(file)).size;
  state.factures = { file, rows: lines - 1, bytes };
  state.setup['facturesCsv'] = { rows: lines - 1, bytes, ms: elapsedMs(started) };
  ctx.log(`ASTRE factures file: ${lines - 1} rows, ${Math.round(bytes / 1e6)} MB`);
  return state.factures;
}

/** POST /astre-imports (raw body) then POST …/confirm {mode: valid-only}, timed client-side. */
export async function uploadAndConfirm(
  state: MainState,
  file: string,
  kind: 'factures' | 'engagements',
  onPreview?: (preview: AstreImportDto, previewMs: number) => void,
): Promise<ImportOutcome> {
  const size = (await stat(file)).size;
  const reconciliationsBefore = await lastReconciliationId(state.dbUrl);
  let started = performance.now();
  const answer = await state.api.call(`upload ${kind}`, (client) => {
    started = performance.now();
    return client.request('POST', `/api/v1/astre-imports?kind=${kind}`, {
      body: createReadStream(file),
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': size,
        'x-file-name': encodeURIComponent(path.basename(file)),
      },
    });
  });
  const previewMs = elapsedMs(started);
  if (answer.status !== 201) {
    throw new HttpError(answer.status, answer.body.toString(), `upload ${kind}`);
  }
  const preview = JSON.parse(answer.body.toString()) as AstreImportDto;
  onPreview?.(preview, previewMs);
  const confirmed = await state.api.call(`confirm ${kind}`, (client) => {
    started = performance.now();
    return client.json<AstreImportDto>('POST', `/api/v1/astre-imports/${preview.id}/confirm`, {
      mode: 'valid-only',
    });
  });
  const confirmMs = elapsedMs(started);
  // The confirm call awaits the reconciliation it triggers: its row is there (unless it failed).
  const reconciliation = await waitForReconciliation(
    state.dbUrl,
    reconciliationsBefore,
    'import',
    10_000,
  ).catch(() => null);
  return { preview, previewMs, confirmed, confirmMs, reconciliation };
}

/** The import part's measurement, or (for the later parts run alone) the same import unmeasured. */
export async function ensureFacturesImported(
  ctx: BenchContext,
  state: MainState,
): Promise<ImportOutcome> {
  if (state.facturesImport) {
    return state.facturesImport;
  }
  const { file } = await facturesFile(ctx, state);
  ctx.log('importing the ASTRE factures file through the API…');
  state.facturesImport = await uploadAndConfirm(state, file, 'factures');
  return state.facturesImport;
}

const CHORUS_COLUMNS = [
  'id_facture',
  'budget_id',
  'numero_facture',
  'type_demande_paiement',
  'type_facture',
  'code_fournisseur',
  'type_identifiant_fournisseur',
  'designation_fournisseur',
  'id_destinataire',
  'code_destinataire',
  'id_service_executant',
  'code_service_executant',
  'nom_service_executant',
  'date_facture',
  'date_depot',
  'montant_ht',
  'montant_ttc',
  'montant_a_payer',
  'devise',
  'statut',
  'numero_marche',
  'numero_bon_commande',
  'facture_telechargee',
  'date_heure_etat_courant',
  'commentaire_etat_courant',
  'first_mad_at',
  'first_mad_source',
  'history_checked_at',
] as const;

type Cell = string | number | boolean | null;

const text = (value: string | null): string | null => (value === '' ? null : value);

/**
 * The Chorus Pro side, bulk-loaded with COPY instead of synced (faster than a 1M-invoice sync, and
 * with every first mise-à-disposition date known, as after the history enrichment): every invoice
 * visible at now, as the sync would store its search item; its current-status event, plus its
 * SUSPENDUE/COMPLETEE events (what the payment-delay step reads); the budgets' services; and the
 * sync state that says the 24-month window was read.
 */
export async function ensureChorusLoaded(ctx: BenchContext, state: MainState): Promise<void> {
  if (state.chorusLoaded) {
    return;
  }
  const { dataset, now } = state;
  const nowMs = now.getTime();
  const nowIso = now.toISOString();
  const started = performance.now();
  ctx.log('bulk-loading the Chorus Pro side (COPY)…');
  const loaded = await withClient(state.dbUrl, async (client) => {
    const budgets = (
      await client.query<{ id: number; code: string; siret: string }>(
        'SELECT id, code, siret FROM budget',
      )
    ).rows;
    const budgetBySiret = new Map(budgets.map((b) => [b.siret, b.id]));
    const budgetByCode = new Map(budgets.map((b) => [b.code, b.id]));
    const events: Cell[][] = [];
    function* invoices(): Generator<Cell[]> {
      const firstMad = dataset.columns.firstMadMs;
      for (let i = 0; i < dataset.invoiceCount; i++) {
        if (!((firstMad[i] ?? Number.NaN) <= nowMs)) {
          continue; // not visible to the recipient yet
        }
        const inv = dataset.invoice(i);
        const past = inv.timeline.filter((t) => t.at.getTime() <= nowMs);
        const current = past[past.length - 1];
        if (!current) {
          continue;
        }
        const firstMadAt = new Date(firstMad[i] ?? 0).toISOString();
        const seen = new Set<string>();
        const event = (statut: string, at: Date, commentaire: string | null, source: string) => {
          const key = `${statut}|${at.getTime()}`;
          if (!seen.has(key)) {
            seen.add(key);
            events.push([inv.idFacture, statut, at.toISOString(), commentaire, source]);
          }
        };
        event(current.statut, current.at, current.commentaire, 'sync');
        for (const entry of past) {
          if (entry.statut === 'SUSPENDUE' || entry.statut === 'COMPLETEE') {
            event(entry.statut, entry.at, entry.commentaire, 'historique');
          }
        }
        const budgetId = budgetBySiret.get(inv.codeDestinataire);
        if (budgetId === undefined) {
          throw new Error(`no budget for SIRET ${inv.codeDestinataire}`);
        }
        const atMad =
          current.statut === 'MISE_A_DISPOSITION' && current.at.toISOString() === firstMadAt;
        yield [
          inv.idFacture,
          budgetId,
          inv.numeroFacture,
          inv.typeDemandePaiement,
          inv.typeFacture,
          text(inv.codeFournisseur),
          inv.typeIdentifiantFournisseur,
          text(inv.designationFournisseur),
          inv.idDestinataire,
          inv.codeDestinataire,
          inv.idServiceExecutant,
          text(inv.codeServiceExecutant),
          text(inv.nomServiceExecutant),
          inv.dateFacture,
          formatParisDate(inv.dateDepot.getTime()),
          inv.montantHT.toFixed(2),
          inv.montantTTC.toFixed(2),
          inv.montantAPayer.toFixed(2),
          inv.devise,
          current.statut,
          text(inv.numeroMarche),
          text(inv.numeroBonCommande),
          inv.downloadedAt !== null && inv.downloadedAt.getTime() <= nowMs,
          current.at.toISOString(),
          text(current.commentaire),
          firstMadAt,
          atMad ? 'event' : 'historique',
          atMad ? null : nowIso,
        ];
      }
    }
    const invoiceRows = await copyRows(client, 'chorus_invoice', CHORUS_COLUMNS, invoices());
    const eventRows = await copyRows(
      client,
      'invoice_status_event',
      ['id_facture', 'statut', 'at', 'commentaire', 'source'],
      events,
    );
    for (const structure of dataset.structures) {
      const budgetId = budgetByCode.get(structure.budget.code);
      for (const service of structure.services) {
        await client.query(
          `INSERT INTO chorus_service (budget_id, id_service, code_service, libelle, actif)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
          [
            budgetId,
            service.idService,
            service.codeService,
            service.libelleService,
            service.estActif,
          ],
        );
      }
      await client.query(
        `INSERT INTO chorus_structure (budget_id, id_structure_cpp, designation) VALUES ($1, $2, $3)
         ON CONFLICT (budget_id) DO NOTHING`,
        [budgetId, structure.idStructureCPP, structure.designationStructure],
      );
    }
    await client.query(
      `INSERT INTO budget_sync_state (budget_id, watermark, backfill_from, last_success_at)
       SELECT id, $1::timestamptz, $1::timestamptz - interval '24 months', $1::timestamptz FROM budget
       ON CONFLICT (budget_id) DO UPDATE SET watermark = excluded.watermark,
         backfill_from = excluded.backfill_from, last_success_at = excluded.last_success_at`,
      [nowIso],
    );
    return { invoiceRows, eventRows };
  });
  // What autovacuum does on a live system a little later: statistics, hint bits, visibility map.
  const vacuumStarted = performance.now();
  await withClient(state.dbUrl, (client) =>
    client.query(
      'VACUUM (ANALYZE) chorus_invoice, invoice_status_event, astre_invoice, astre_engagement, budget_sync_state, chorus_service',
    ),
  );
  state.chorusLoaded = true;
  state.setup['chorusLoad'] = {
    ...loaded,
    ms: elapsedMs(started),
    vacuumMs: elapsedMs(vacuumStarted),
  };
  ctx.log(
    `Chorus side loaded: ${loaded.invoiceRows} invoices, ${loaded.eventRows} status events in ${Math.round(elapsedMs(started) / 1000)} s`,
  );
}

/** After the reconciliation: the vacuum and statistics autovacuum would have made by then. */
export async function settleAnomalies(ctx: BenchContext, state: MainState): Promise<void> {
  if (state.settled) {
    return;
  }
  const started = performance.now();
  await withClient(state.dbUrl, (client) =>
    client.query(
      'VACUUM (ANALYZE) anomaly, anomaly_event, invoice_payment_delay, invoice_match, app_user',
    ),
  );
  state.settled = true;
  state.setup['settleMs'] = elapsedMs(started);
  ctx.log(`anomaly tables vacuumed and analysed in ${Math.round(elapsedMs(started))} ms`);
}
