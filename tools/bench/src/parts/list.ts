import { ANOMALY_SORT_FIELDS, type AnomalyPageDto } from '@cd31/contracts';
import { Prng } from '@cd31/dataset';
import { ANOMALY_CODES, ANOMALY_SEVERITIES, CD31_BUDGETS } from '@cd31/domain';
import { HttpError, queryString, type QueryValue } from '../infra/http';
import { queryRows } from '../infra/postgres';
import { elapsedMs, percentile, round } from '../util';
import type { BenchContext, PartOutput } from './context';
import { mainState, settleAnomalies } from './main-dataset';
import { ensureReconciled } from './reconcile';

export type ListQuery = Record<string, QueryValue>;

export interface Samples {
  readonly supplierWords: string[];
  readonly sirets: string[];
  readonly numberFragments: string[];
}

const STATES: readonly (readonly string[])[] = [
  ['OUVERTE'],
  ['EN_COURS'],
  ['OUVERTE', 'EN_COURS'],
  ['RESOLUE'],
  ['OUVERTE', 'EN_COURS', 'RESOLUE', 'IGNOREE'],
];
const OFFSETS = [0, 0, 0, 100, 200, 500, 1000, 2000, 3000, 5000];

/** Values real users type: words of supplier names, SIRETs, pieces of invoice numbers. */
export async function samples(url: string): Promise<Samples> {
  const names = await queryRows<{ name: string }>(
    url,
    `SELECT DISTINCT designation_fournisseur AS name FROM chorus_invoice
      WHERE designation_fournisseur IS NOT NULL ORDER BY 1 LIMIT 200`,
  );
  const sirets = await queryRows<{ siret: string }>(
    url,
    `SELECT DISTINCT code_fournisseur AS siret FROM chorus_invoice WHERE code_fournisseur IS NOT NULL ORDER BY 1 LIMIT 50`,
  );
  const numbers = await queryRows<{ n: string }>(
    url,
    `SELECT numero_facture AS n FROM chorus_invoice WHERE id_facture % 9973 = 0 ORDER BY id_facture LIMIT 100`,
  );
  const words = names
    .flatMap((row) => row.name.split(/[\s,;"'’-]+/))
    .filter((word) => word.length >= 4 && /^[\p{L}]+$/u.test(word));
  return {
    supplierWords: [...new Set(words)].slice(0, 60),
    sirets: sirets.map((row) => row.siret),
    numberFragments: numbers
      .map((row) => row.n.replace(/^\s+|\s+$/g, ''))
      .filter((n) => n.length >= 6)
      .map((n) => n.slice(Math.max(0, n.length - 6))),
  };
}

/** A mixed query: filters drawn independently, a sort on any column, an offset up to 5000. */
export function randomQuery(prng: Prng, s: Samples): ListQuery {
  const query: ListQuery = { limit: 100 };
  if (prng.chance(0.3)) {
    query['budget'] = prng.some(
      CD31_BUDGETS.map((b) => b.code),
      1 + prng.int(2),
    );
  }
  if (prng.chance(0.3)) {
    query['code'] = prng.some(ANOMALY_CODES, 1 + prng.int(3));
  }
  if (prng.chance(0.2)) {
    query['severity'] = prng.some(ANOMALY_SEVERITIES, 1 + prng.int(2));
  }
  if (prng.chance(0.2)) {
    query['state'] = prng.pick(STATES);
  }
  if (prng.chance(0.2)) {
    query['assignee'] = 'none';
  }
  if (prng.chance(0.15) && s.supplierWords.length > 0) {
    query['supplier'] =
      prng.chance(0.3) && s.sirets.length > 0 ? prng.pick(s.sirets) : prng.pick(s.supplierWords);
  }
  if (prng.chance(0.15)) {
    const kind = prng.int(3);
    query['q'] =
      kind === 0 && s.numberFragments.length > 0
        ? prng.pick(s.numberFragments)
        : kind === 1 && s.supplierWords.length > 0
          ? prng.pick(s.supplierWords)
          : (prng.pick(s.sirets.length > 0 ? s.sirets : ['2231']) ?? '').slice(0, 9);
  }
  if (prng.chance(0.15)) {
    query['minAmount'] = prng.pick([100, 1000, 5000, 20_000]);
  }
  if (prng.chance(0.1)) {
    query['minEurosAtRisk'] = prng.pick([1, 10, 50]);
  }
  if (prng.chance(0.8)) {
    query['sort'] = prng.pick(ANOMALY_SORT_FIELDS);
    query['dir'] = prng.chance(0.5) ? 'asc' : 'desc';
  }
  const offset = prng.chance(0.3) ? prng.int(51) * 100 : prng.pick(OFFSETS);
  if (offset > 0) {
    // As the dashboard's grid asks: the total with the first block, not with the next ones.
    query['offset'] = offset;
    query['withTotal'] = 'false';
  }
  return query;
}

interface Measured {
  readonly query: string;
  readonly kind: QueryKind;
  readonly ms: number;
  readonly rows: number;
  readonly total: number | null;
}

type QueryKind =
  | 'filter on Chorus/ASTRE columns'
  | 'sort on a joined column'
  | 'anomaly columns only';

const ANOMALY_SORTS: ReadonlySet<unknown> = new Set([
  'code',
  'severity',
  'state',
  'firstDetectedAt',
]);

/** What the query makes the database read besides the anomaly table. */
function kindOf(query: ListQuery): QueryKind {
  if (['q', 'supplier', 'minAmount', 'maxAmount', 'chorusStatus'].some((key) => key in query)) {
    return 'filter on Chorus/ASTRE columns';
  }
  // No sort given: euros at risk (invoice_payment_delay), descending.
  return ANOMALY_SORTS.has(query['sort']) ? 'anomaly columns only' : 'sort on a joined column';
}

export async function runListPart(ctx: BenchContext): Promise<PartOutput> {
  const state = await mainState(ctx);
  await ensureReconciled(ctx, state);
  await settleAnomalies(ctx, state);
  const [counts] = await queryRows<{ total: number; open: number }>(
    state.dbUrl,
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE state IN ('OUVERTE', 'EN_COURS'))::int AS open FROM anomaly`,
  );
  const values = await samples(state.dbUrl);

  const run = async (query: ListQuery): Promise<Measured> => {
    const path = `/api/v1/anomalies${queryString(query)}`;
    let started = performance.now();
    const answer = await state.api.call('GET /anomalies', (client) => {
      started = performance.now();
      return client.request('GET', path);
    });
    const ms = elapsedMs(started);
    if (answer.status !== 200) {
      throw new HttpError(answer.status, answer.body.toString(), `GET ${path}`);
    }
    const page = JSON.parse(answer.body.toString()) as AnomalyPageDto;
    return {
      query: path.slice('/api/v1/anomalies'.length),
      kind: kindOf(query),
      ms,
      rows: page.rows.length,
      total: page.total,
    };
  };

  ctx.log(
    `list: ${ctx.config.listWarmup} warm-up queries, then ${ctx.config.listQueries} measured…`,
  );
  const warm = new Prng(ctx.config.seed ^ 0x5eed);
  for (let i = 0; i < ctx.config.listWarmup; i++) {
    await run(randomQuery(warm, values));
  }
  const prng = new Prng(ctx.config.seed);
  const measured: Measured[] = [];
  for (let i = 0; i < ctx.config.listQueries; i++) {
    measured.push(await run(randomQuery(prng, values)));
  }
  const times = measured.map((m) => m.ms);
  const slowest = [...measured].sort((a, b) => b.ms - a.ms).slice(0, 15);
  const fullPages = measured.filter((m) => m.rows === 100).length;
  const counted = measured.filter((m) => m.rows === 100 && m.total !== null).length;
  const kinds: QueryKind[] = [
    'anomaly columns only',
    'sort on a joined column',
    'filter on Chorus/ASTRE columns',
  ];
  const byKind = kinds.map((kind) => {
    const ms = measured.filter((m) => m.kind === kind).map((m) => m.ms);
    return {
      kind,
      count: ms.length,
      p50: round(percentile(ms, 50), 1),
      p95: round(percentile(ms, 95), 1),
    };
  });
  return {
    status: 'done',
    figures: [
      { name: 'anomalies in the table', value: counts?.total ?? null, unit: '' },
      { name: 'anomalies open (default filter)', value: counts?.open ?? null, unit: '' },
      { name: 'queries measured', value: measured.length, unit: '' },
      { name: 'p50', value: round(percentile(times, 50), 1), unit: 'ms' },
      {
        name: 'p95',
        value: round(percentile(times, 95), 1),
        unit: 'ms',
        target: { comparator: '<=', value: 50 },
      },
      { name: 'p99', value: round(percentile(times, 99), 1), unit: 'ms' },
      { name: 'max', value: round(Math.max(...times), 1), unit: 'ms' },
      ...byKind.flatMap((k) => [
        { name: `  ${k.kind} (${k.count} queries): p50`, value: k.p50, unit: 'ms' },
        { name: `  ${k.kind}: p95`, value: k.p95, unit: 'ms' },
      ]),
    ],
    notes: [
      `GET /api/v1/anomalies, limit 100, one at a time over keep-alive, measured client-side; ${fullPages} of the pages were full, ${counted} of them first blocks (offset 0), for which the API also counts the matches; later blocks are asked with withTotal=false, as the dashboard's grid does.`,
      `slowest: ${slowest
        .slice(0, 5)
        .map((m) => `${Math.round(m.ms)} ms ${m.query}`)
        .join(' · ')}`,
      ...state.api.restarts.splice(0),
    ],
    details: { counts, samples: values, byKind, slowest, measured },
  };
}
