/**
 * Benchmark: a simulator holding N invoices (default 1 000 000), pages of 1000 over real sockets.
 * Run: npx nx run chorus-simulator:bench   (BENCH_INVOICES=… to change N)
 */
import { DAY_MS, formatParisIso, generateDataset } from '@cd31/dataset';
import { startChorusSimulator } from '../lib/simulator';

const invoiceCount = Number(process.env['BENCH_INVOICES'] ?? 1_000_000);

function ms(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  let started = performance.now();
  const dataset = generateDataset({ invoiceCount });
  const generateMs = ms(started);
  started = performance.now();
  const sim = await startChorusSimulator({ dataset });
  const startMs = ms(started);

  const tokenRes = await fetch(sim.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&client_id=${sim.clientId}&client_secret=${sim.clientSecret}&scope=openid`,
  });
  const { access_token: token } = (await tokenRes.json()) as { access_token: string };
  const post = async (
    path: string,
    body: unknown,
  ): Promise<{ ms: number; json: Record<string, unknown> }> => {
    const t0 = performance.now();
    const res = await fetch(`${sim.apiUrl}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'cpro-account': sim.cproAccount,
        'content-type': 'application/json;charset=utf-8',
      },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    return { ms: ms(t0), json };
  };
  const search = (body: Record<string, unknown>) =>
    post('/cpro/factures/v1/rechercher/recipiendaire', body);
  const principal = dataset.structures[0]?.idStructureCPP;

  const first = await search({
    idDestinataire: principal,
    paramRecherche: {
      pageResultatDemandee: 1,
      nbResultatsParPage: 1000,
      triColonne: 'IdFacture',
      triSens: 'Ascendant',
    },
  });
  const pages = first.json['pages'] as number;
  const pageTimes: number[] = [];
  for (let page = 2; page <= Math.min(pages, 41); page++) {
    const res = await search({
      idDestinataire: principal,
      paramRecherche: {
        pageResultatDemandee: page,
        nbResultatsParPage: 1000,
        triColonne: 'IdFacture',
        triSens: 'Ascendant',
      },
    });
    pageTimes.push(res.ms);
  }
  const now = dataset.now.getTime();
  const windowFirst = await search({
    idDestinataire: principal,
    periodeDateHeureEtatCourantDu: formatParisIso(now - 7 * DAY_MS),
    paramRecherche: { pageResultatDemandee: 1, nbResultatsParPage: 1000 },
  });
  started = performance.now();
  sim.clock.advance(DAY_MS);
  const afterAdvance = await search({
    idDestinataire: principal,
    periodeDateHeureEtatCourantDu: formatParisIso(now),
    paramRecherche: { pageResultatDemandee: 1, nbResultatsParPage: 1000 },
  });
  const advanceMs = ms(started);
  const consult = await post('/cpro/factures/v1/consulter/recipiendaire', {
    identifiantFactureCPP: 30_000_123,
  });
  const history = await post('/cpro/factures/v1/consulter/historique', { idFacture: 30_000_123 });
  const memory = process.memoryUsage();
  await sim.close();

  console.log(
    JSON.stringify(
      {
        invoiceCount,
        generateMs,
        simulatorStartMs: startMs,
        principalTotal: first.json['total'],
        principalPages: pages,
        firstPage1000Ms: first.ms,
        nextPages1000MedianMs: median(pageTimes),
        nextPages1000MaxMs: Math.max(...pageTimes),
        windowLast7DaysFirstPageMs: windowFirst.ms,
        windowLast7DaysTotal: windowFirst.json['total'],
        advanceOneDayThenWindowPageMs: advanceMs,
        changedInThatDay: afterAdvance.json['total'],
        consulterMs: consult.ms,
        historiqueMs: history.ms,
        rssMB: Math.round(memory.rss / 1e6),
        heapUsedMB: Math.round(memory.heapUsed / 1e6),
        arrayBuffersMB: Math.round(memory.arrayBuffers / 1e6),
      },
      null,
      2,
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
