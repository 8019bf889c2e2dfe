import { generateDataset } from '@cd31/dataset';
import { startChorusSimulator, type ChorusSimulator } from './simulator';
import { call, fetchToken, token } from './test-kit.spec-helper';

const TAUX = '/cpro/transverses/v1/recuperer/tauxtva';

describe('chorus simulator — OAuth and access control', () => {
  let sim: ChorusSimulator;

  beforeAll(async () => {
    sim = await startChorusSimulator({ dataset: generateDataset({ invoiceCount: 200 }) });
  });

  afterAll(async () => {
    await sim.close();
  });

  it('issues a bearer token for the configured client (client_credentials form)', async () => {
    const res = await fetchToken(sim);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      access_token: expect.any(String) as unknown,
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid',
    });
  });

  it('accepts client credentials in HTTP Basic too', async () => {
    const res = await fetch(sim.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${sim.clientId}:${sim.clientSecret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials&scope=openid',
    });
    expect(res.status).toBe(200);
  });

  it('refuses a wrong secret (401 invalid_client) and another grant (400)', async () => {
    const wrong = await fetchToken(sim, {
      grant_type: 'client_credentials',
      client_id: sim.clientId,
      client_secret: 'nope',
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    const grant = await fetchToken(sim, {
      grant_type: 'password',
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
    });
    expect(grant.status).toBe(400);
    expect(await grant.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('answers an API call with a token and the technical account', async () => {
    const res = await call(sim, TAUX, {});
    expect(res.status).toBe(200);
    expect(res.json['codeRetour']).toBe(0);
    expect(res.headers.get('content-type')).toBe('application/json;charset=utf-8');
  });

  it('answers 401 without a bearer token or with an unknown one', async () => {
    expect((await call(sim, TAUX, {}, { token: null })).status).toBe(401);
    const unknown = await call(sim, TAUX, {}, { token: 'forged' });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('answers 403 with an empty body without the right cpro-account', async () => {
    const missing = await call(sim, TAUX, {}, { account: null });
    expect(missing.status).toBe(403);
    expect(missing.text).toBe('');
    const wrong = await call(
      sim,
      TAUX,
      {},
      { account: Buffer.from(`${sim.login}:wrong`).toString('base64') },
    );
    expect(wrong.status).toBe(403);
    expect(wrong.text).toBe('');
  });

  it('answers 415 to a body that is not JSON, 404 to an unknown path', async () => {
    const res = await fetch(`${sim.apiUrl}${TAUX}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await token(sim)}`,
        'cpro-account': sim.cproAccount,
        'content-type': 'text/plain',
      },
      body: '{}',
    });
    expect(res.status).toBe(415);
    expect((await call(sim, '/cpro/factures/v1/nope', {})).status).toBe(404);
  });

  it('expires tokens after their lifetime', async () => {
    const shortLived = await startChorusSimulator({ dataset: sim.dataset, tokenTtlSeconds: 0.5 });
    try {
      const t = await token(shortLived);
      expect((await call(shortLived, TAUX, {}, { token: t })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect((await call(shortLived, TAUX, {}, { token: t })).status).toBe(401);
      expect((await call(shortLived, TAUX, {})).status).toBe(200);
    } finally {
      await shortLived.close();
    }
  });

  it('expires every issued token on demand (expireTokensNow)', async () => {
    const t = await token(sim);
    sim.faults.set({ expireTokensNow: true });
    expect((await call(sim, TAUX, {}, { token: t })).status).toBe(401);
    expect((await call(sim, TAUX, {})).status).toBe(200);
  });

  it('counts calls per endpoint and the tokens it issued', async () => {
    sim.resetStats();
    await call(sim, TAUX, {});
    const stats = sim.stats();
    expect(stats.calls).toEqual({ '/api/oauth/token': 1, [TAUX]: 1 });
    expect(stats.tokensIssued).toBe(1);
    expect(stats.responses).toEqual({ '200': 2 });
  });
});
