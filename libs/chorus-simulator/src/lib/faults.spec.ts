import { generateDataset } from '@cd31/dataset';
import { startChorusSimulator, type ChorusSimulator } from './simulator';
import { RECIPIENT_SEARCH, admin, call, fetchToken, token } from './test-kit.spec-helper';

const TAUX = '/cpro/transverses/v1/recuperer/tauxtva';

describe('chorus simulator — fault injection', () => {
  let sim: ChorusSimulator;
  let bearer: string;

  beforeAll(async () => {
    sim = await startChorusSimulator({ dataset: generateDataset({ invoiceCount: 400 }) });
    bearer = await token(sim);
  });

  afterEach(() => {
    sim.faults.reset();
  });

  afterAll(async () => {
    await sim.close();
  });

  it('answers a share of API calls 500 or 503 (errorRate)', async () => {
    sim.faults.set({ errorRate: 1 });
    const statuses = new Set<number>();
    for (let k = 0; k < 12; k++) {
      statuses.add((await call(sim, TAUX, {}, { token: bearer })).status);
    }
    expect(statuses).toEqual(new Set([500, 503]));
    sim.faults.set({ errorRate: 0.5 });
    const mixed: number[] = [];
    for (let k = 0; k < 40; k++) {
      mixed.push((await call(sim, TAUX, {}, { token: bearer })).status);
    }
    expect(mixed.filter((s) => s === 200).length).toBeGreaterThan(5);
    expect(mixed.filter((s) => s !== 200).length).toBeGreaterThan(5);
  });

  it('answers a burst of 429 with Retry-After, then recovers', async () => {
    sim.faults.set({ burst429: { count: 2, retryAfterSeconds: 7 } });
    const first = await call(sim, TAUX, {}, { token: bearer });
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect((await call(sim, TAUX, {}, { token: bearer })).status).toBe(429);
    expect((await call(sim, TAUX, {}, { token: bearer })).status).toBe(200);
  });

  it('delays answers (latencyMs)', async () => {
    sim.faults.set({ latencyMs: 120 });
    const started = performance.now();
    await call(sim, TAUX, {}, { token: bearer });
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('destroys the socket half-way through an answer (resetConnections)', async () => {
    sim.faults.set({ resetConnections: { count: 1 } });
    await expect(
      call(
        sim,
        RECIPIENT_SEARCH,
        { paramRecherche: { nbResultatsParPage: 100 } },
        { token: bearer },
      ),
    ).rejects.toThrow();
    expect((await call(sim, TAUX, {}, { token: bearer })).status).toBe(200);
    expect(sim.stats().faultsInjected.reset).toBeGreaterThanOrEqual(1);
  });

  it('fails one page once (failPageOnce)', async () => {
    sim.faults.set({ failPageOnce: { page: 2 } });
    const page = { paramRecherche: { pageResultatDemandee: 2, nbResultatsParPage: 10 } };
    expect(
      (
        await call(
          sim,
          RECIPIENT_SEARCH,
          { paramRecherche: { nbResultatsParPage: 10 } },
          { token: bearer },
        )
      ).status,
    ).toBe(200);
    expect((await call(sim, RECIPIENT_SEARCH, page, { token: bearer })).status).toBe(500);
    expect((await call(sim, RECIPIENT_SEARCH, page, { token: bearer })).status).toBe(200);
  });

  it('answers HTTP 200 with an empty token (emptyTokens), as PISTE was seen doing', async () => {
    sim.faults.set({ emptyTokens: { count: 1 } });
    expect(await (await fetchToken(sim)).json()).toMatchObject({ access_token: '', expires_in: 0 });
    expect(
      ((await (await fetchToken(sim)).json()) as { access_token: string }).access_token,
    ).not.toBe('');
  });

  it('sets, shows and resets faults through the admin API', async () => {
    const set = await admin(sim, 'POST', 'faults', {
      errorRate: 0.25,
      burst429: { count: 3, retryAfterSeconds: 2 },
      latencyMs: 5,
    });
    expect(set.json).toMatchObject({
      errorRate: 0.25,
      burst429: { remaining: 3, retryAfterSeconds: 2 },
      latencyMs: 5,
    });
    expect((await admin(sim, 'POST', 'faults', { errorRate: 2 })).status).toBe(400);
    const reset = await admin(sim, 'DELETE', 'faults');
    expect(reset.json).toEqual({
      errorRate: 0,
      burst429: null,
      latencyMs: 0,
      resetConnections: null,
      failPageOnce: null,
      emptyTokens: null,
    });
    const stats = await admin(sim, 'GET', 'stats');
    expect(stats.json).toMatchObject({ tokensIssued: expect.any(Number) as unknown });
  });
});
