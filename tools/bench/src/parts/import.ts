import { RssSampler, peakMB, type RssSummary } from '../infra/rss';
import { copyFile, withClient } from '../infra/postgres';
import { elapsedMs, perSecond, round } from '../util';
import type { BenchContext, PartOutput } from './context';
import { facturesFile, mainState, uploadAndConfirm } from './main-dataset';

const BARE_COLUMNS = Array.from({ length: 14 }, (_, i) => `c${i + 1} text`).join(', ');

/** The floor: the same file, COPY'd as is into an unindexed table of text columns. */
async function bareCopy(url: string, file: string): Promise<{ ms: number; rows: number }> {
  return withClient(url, async (client) => {
    await client.query('DROP TABLE IF EXISTS bench_bare_copy');
    await client.query(`CREATE TABLE bench_bare_copy (${BARE_COLUMNS})`);
    const started = performance.now();
    await copyFile(
      client,
      `COPY bench_bare_copy FROM STDIN (FORMAT csv, DELIMITER ';', HEADER)`,
      file,
    );
    const ms = elapsedMs(started);
    const count = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM bench_bare_copy',
    );
    await client.query('DROP TABLE bench_bare_copy');
    return { ms, rows: count.rows[0]?.n ?? 0 };
  });
}

export async function runImportPart(ctx: BenchContext): Promise<PartOutput> {
  const state = await mainState(ctx);
  if (state.facturesImport) {
    throw new Error('the factures file was already imported in this run');
  }
  const csv = await facturesFile(ctx, state);
  const pid = state.api.api.pid;
  const notes: string[] = [];

  ctx.log(`uploading ${csv.rows} rows (${Math.round(csv.bytes / 1e6)} MB) then confirming…`);
  let sampler = new RssSampler(pid).start();
  const rss: { preview?: RssSummary; confirm?: RssSummary } = {};
  const outcome = await uploadAndConfirm(state, csv.file, 'factures', () => {
    rss.preview = sampler.stop();
    sampler = new RssSampler(pid).start();
  });
  rss.confirm = sampler.stop();
  state.facturesImport = outcome;
  const { preview, confirmed } = outcome;
  const reconciliationMs = outcome.reconciliation?.duration_ms ?? 0;
  const importMs = outcome.previewMs + outcome.confirmMs - reconciliationMs;
  const rows = confirmed.counts.rowsRead;

  ctx.log('bare COPY of the same file…');
  const bare = await bareCopy(state.dbUrl, csv.file);
  const peak = Math.max(rss.preview ? peakMB(rss.preview) : 0, peakMB(rss.confirm));

  notes.push(
    `${csv.rows} data lines, ${round(csv.bytes / 1e6, 1)} MB (BOM, ';', CRLF, French amounts); ${confirmed.counts.valid} valid, ${confirmed.counts.invalid} invalid, ${confirmed.counts.imported} imported.`,
    `import time = upload+preview request + confirm request − the reconciliation the API runs inside the confirm call (${round(reconciliationMs / 1000, 1)} s here, ${outcome.reconciliation?.scope ?? '?'} scope, no Chorus invoice loaded yet).`,
    `preview split (server): parseMs ${preview.parseMs ?? '?'} (stream to temp file is before it); merge: mergeMs ${confirmed.mergeMs ?? '?'}.`,
    `bare COPY: ${bare.rows} rows into an unindexed, logged table of 14 text columns, fed from the file by this process.`,
    ...state.api.restarts.splice(0),
  );
  return {
    status: 'done',
    figures: [
      { name: 'rows read', value: rows, unit: 'rows' },
      { name: 'import total (upload → merged)', value: round(importMs / 1000, 2), unit: 's' },
      { name: 'import rate', value: perSecond(rows, importMs), unit: 'rows/s' },
      {
        name: 'upload + preview request (client)',
        value: round(outcome.previewMs / 1000, 2),
        unit: 's',
      },
      {
        name: '  of which parse+COPY staging+compare (parseMs)',
        value: preview.parseMs === null ? null : round(preview.parseMs / 1000, 2),
        unit: 's',
      },
      {
        name: 'merge (mergeMs)',
        value: confirmed.mergeMs === null ? null : round(confirmed.mergeMs / 1000, 2),
        unit: 's',
      },
      {
        name: 'confirm request incl. auto reconciliation',
        value: round(outcome.confirmMs / 1000, 2),
        unit: 's',
      },
      { name: 'bare COPY of the same file', value: round(bare.ms / 1000, 2), unit: 's' },
      {
        name: 'ratio import / bare COPY',
        value: round(importMs / bare.ms, 2),
        unit: '×',
        target: { comparator: '<=', value: 2 },
      },
      {
        name: 'peak RSS of the API during the import',
        value: peak,
        unit: 'MB',
        target: { comparator: '<=', value: 400 },
      },
    ],
    notes,
    details: {
      setup: state.setup,
      file: csv,
      previewMs: outcome.previewMs,
      confirmMs: outcome.confirmMs,
      importMs,
      preview: { ...preview, lineErrors: preview.lineErrors.slice(0, 5) },
      confirmed: { ...confirmed, lineErrors: [] },
      reconciliationAfterConfirm: outcome.reconciliation,
      bareCopy: bare,
      rss,
    },
  };
}
