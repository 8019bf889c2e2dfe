import type { AnomalyCountsDto } from '@cd31/contracts';
import { queryString, type QueryValue } from '../infra/http';
import { RssSampler, peakMB, type RssSummary } from '../infra/rss';
import type { Figure } from '../report';
import { elapsedMs, perSecond, round } from '../util';
import type { BenchContext, PartOutput } from './context';
import { mainState, settleAnomalies } from './main-dataset';
import { ensureReconciled } from './reconcile';

const FORMATS = ['csv', 'xlsx'] as const;
const ALL_STATES = ['OUVERTE', 'EN_COURS', 'RESOLUE', 'IGNOREE'];

interface ExportMeasure {
  readonly format: (typeof FORMATS)[number];
  readonly status: number;
  readonly ms: number;
  readonly firstByteMs: number;
  readonly bytes: number;
  /** CSV: data lines counted in the body; XLSX: the count the API gives for the same filters. */
  readonly rows: number;
  readonly rowsCounted: boolean;
  readonly contentType: string | null;
  readonly rss: RssSummary;
}

/**
 * GET /anomalies/export.csv and export.xlsx over the whole list (≥ 100 000 rows): time, rows/s and
 * the API's peak RSS. Reported as pending while the endpoints do not exist.
 */
export async function runExportPart(ctx: BenchContext): Promise<PartOutput> {
  const state = await mainState(ctx);
  await ensureReconciled(ctx, state);
  await settleAnomalies(ctx, state);
  const counted = (path: string): Promise<AnomalyCountsDto> =>
    state.api.call('GET /anomalies/counts', (client) => client.json<AnomalyCountsDto>('GET', path));

  // The default view (open anomalies); every state when that is under 100 000 rows.
  let filters: Record<string, QueryValue> = {};
  let counts = await counted('/api/v1/anomalies/counts');
  if (counts.total < 100_000) {
    filters = { state: ALL_STATES };
    counts = await counted(`/api/v1/anomalies/counts${queryString(filters)}`);
  }

  const measures: ExportMeasure[] = [];
  for (const format of FORMATS) {
    const path = `/api/v1/anomalies/export.${format}${queryString(filters)}`;
    ctx.log(`GET ${path}…`);
    let sampler = new RssSampler(state.api.api.pid);
    let started = performance.now();
    const answer = await state.api.call(`GET export.${format}`, (client) => {
      sampler = new RssSampler(state.api.api.pid).start();
      started = performance.now();
      return client.download(path);
    });
    const ms = elapsedMs(started);
    const rss = sampler.stop();
    const contentType = answer.headers['content-type'] ?? null;
    const csvRows = Math.max(0, answer.lineFeeds - 1);
    measures.push({
      format,
      status: answer.status,
      ms,
      firstByteMs: round(answer.firstByteMs, 1),
      bytes: answer.bytes,
      rows: format === 'csv' ? csvRows : counts.total,
      rowsCounted: format === 'csv',
      contentType,
      rss,
    });
  }

  const available = measures.filter((m) => m.status === 200);
  if (available.length === 0) {
    return {
      status: 'pending',
      figures: FORMATS.map((format) => ({
        name: `export.${format}`,
        value: null,
        unit: '',
        note: 'endpoint not available yet',
      })),
      notes: [
        `the export endpoints answer ${measures.map((m) => `${m.format}: HTTP ${m.status}`).join(', ')} — not implemented yet; this part runs as soon as they exist.`,
      ],
      details: { filters, expectedRows: counts.total, measures },
    };
  }
  const figures: Figure[] = [{ name: 'rows in the exported view', value: counts.total, unit: '' }];
  for (const m of measures) {
    if (m.status !== 200) {
      figures.push({ name: `export.${m.format}`, value: null, unit: '', note: `HTTP ${m.status}` });
      continue;
    }
    figures.push(
      { name: `export.${m.format} time`, value: round(m.ms / 1000, 2), unit: 's' },
      { name: `export.${m.format} rate`, value: perSecond(m.rows, m.ms), unit: 'rows/s' },
      { name: `export.${m.format} size`, value: round(m.bytes / 1e6, 1), unit: 'MB' },
      { name: `export.${m.format} peak RSS of the API`, value: peakMB(m.rss), unit: 'MB' },
    );
  }
  return {
    status: measures.every((m) => m.status === 200) ? 'done' : 'pending',
    figures,
    notes: [
      `filters: ${JSON.stringify(filters)}; CSV rows counted from the body (${measures[0]?.rows ?? '?'}), XLSX rows taken from GET /anomalies/counts.`,
      ...measures
        .filter((m) => m.status !== 200)
        .map((m) => `export.${m.format} answered HTTP ${m.status}: pending.`),
      ...state.api.restarts.splice(0),
    ],
    details: { filters, expectedRows: counts.total, measures },
  };
}
