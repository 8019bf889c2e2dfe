import {
  type ChorusTestServer,
  TEST_CPRO_ACCOUNT,
  TEST_CREDENTIALS,
  type TestHandler,
  issuingTokens,
  startChorusTestServer,
  testClient,
} from '../testing/chorus-test-server';
import { ChorusAuthenticationError } from './chorus-errors';

const TAUX_TVA = '/cpro/transverses/v1/recuperer/tauxtva';
const OK = { body: { codeRetour: 0, libelle: 'TRA_MSG_00.000', listeTauxTva: [] } };

describe('ChorusClient authentication', () => {
  let server: ChorusTestServer | undefined;

  async function start(api: TestHandler, token?: TestHandler): Promise<ChorusTestServer> {
    server = await startChorusTestServer(token ? { api, token } : { api });
    return server;
  }

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('asks a token with the form-encoded client credentials grant', async () => {
    const s = await start(() => OK);
    await testClient(s).client.checkConnectivity();

    const [tokenRequest] = s.tokenRequests();
    expect(tokenRequest?.method).toBe('POST');
    expect(tokenRequest?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(tokenRequest?.text))).toEqual({
      grant_type: 'client_credentials',
      client_id: TEST_CREDENTIALS.clientId,
      client_secret: TEST_CREDENTIALS.clientSecret,
      scope: 'openid',
    });
  });

  it('sends the bearer, the cpro-account and the JSON headers on every call, cached token included', async () => {
    const s = await start(() => OK);
    const { client } = testClient(s);

    await client.checkConnectivity();
    await client.checkConnectivity();
    await client.checkConnectivity();

    expect(s.tokenRequests()).toHaveLength(1);
    const calls = s.apiRequests(TAUX_TVA);
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(call.method).toBe('POST');
      expect(call.headers['authorization']).toBe('Bearer token-1');
      expect(call.headers['cpro-account']).toBe(TEST_CPRO_ACCOUNT);
      expect(call.headers['content-type']).toBe('application/json;charset=utf-8');
      expect(call.headers['accept']).toBe('application/json');
      expect(call.text).toBe('{}');
    }
  });

  it('encodes the technical account as base64("login:password")', async () => {
    const s = await start(() => OK);
    await testClient(s).client.checkConnectivity();
    const header = String(s.apiRequests()[0]?.headers['cpro-account']);
    expect(Buffer.from(header, 'base64').toString('utf8')).toBe(
      `${TEST_CREDENTIALS.login}:${TEST_CREDENTIALS.password}`,
    );
  });

  it('shares one token request between concurrent calls', async () => {
    const s = await start(() => OK);
    const { client } = testClient(s);

    await Promise.all([
      client.checkConnectivity(),
      client.checkConnectivity(),
      client.checkConnectivity(),
    ]);

    expect(s.tokenRequests()).toHaveLength(1);
  });

  it('renews the token 240 s before it expires', async () => {
    let now = Date.UTC(2024, 2, 5, 8);
    const s = await start(() => OK);
    const { client } = testClient(s, { now: () => now });

    await client.checkConnectivity();
    now += (3600 - 241) * 1000;
    await client.checkConnectivity();
    expect(s.tokenRequests()).toHaveLength(1);

    now += 2000;
    await client.checkConnectivity();
    expect(s.tokenRequests()).toHaveLength(2);
    expect(s.apiRequests()[2]?.headers['authorization']).toBe('Bearer token-2');
  });

  it('keeps a short-lived token for half its life only', async () => {
    let now = Date.UTC(2024, 2, 5, 8);
    const s = await start(() => OK, issuingTokens(60));
    const { client } = testClient(s, { now: () => now });

    await client.checkConnectivity();
    now += 29_000;
    await client.checkConnectivity();
    now += 2000;
    await client.checkConnectivity();

    expect(s.tokenRequests()).toHaveLength(2);
  });

  it('fetches a new token once on a 401 and retries the call', async () => {
    const s = await start((request) =>
      request.headers['authorization'] === 'Bearer token-1' ? { status: 401 } : OK,
    );
    const { client, events } = testClient(s);

    await client.checkConnectivity();

    expect(s.tokenRequests()).toHaveLength(2);
    expect(s.apiRequests().map((r) => r.headers['authorization'])).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
    expect(events.map((e) => e.outcome)).toEqual([
      'success',
      'token-refresh',
      'success',
      'success',
    ]);
  });

  it('fails after a second 401 without asking more tokens', async () => {
    const s = await start(() => ({ status: 401 }));
    const { client } = testClient(s);

    await expect(client.checkConnectivity()).rejects.toMatchObject({
      name: 'ChorusAuthenticationError',
      httpStatus: 401,
      operation: 'checkConnectivity',
      retryable: false,
    });
    expect(s.tokenRequests()).toHaveLength(2);
    expect(s.apiRequests()).toHaveLength(2);
  });

  it('rejects a token reply without access_token (PISTE sometimes answers 200 with an empty token)', async () => {
    const s = await start(
      () => OK,
      () => ({ body: { access_token: '', token_type: 'Bearer', expires_in: 3600 } }),
    );

    const failure = testClient(s).client.checkConnectivity();

    await expect(failure).rejects.toBeInstanceOf(ChorusAuthenticationError);
    await expect(failure).rejects.toThrow('no access_token');
    expect(s.apiRequests()).toHaveLength(0);
  });

  it('rejects a token reply with expires_in <= 0', async () => {
    const s = await start(
      () => OK,
      () => ({ body: { access_token: 'abc', token_type: 'Bearer', expires_in: 0 } }),
    );

    await expect(testClient(s).client.checkConnectivity()).rejects.toThrow(
      'no positive expires_in',
    );
  });

  it('reports refused client credentials without retrying them', async () => {
    const s = await start(
      () => OK,
      () => ({
        status: 401,
        body: { error: 'invalid_client', error_description: 'Bad client credentials' },
      }),
    );
    const { client, sleeps } = testClient(s);

    await expect(client.checkConnectivity()).rejects.toMatchObject({
      name: 'ChorusAuthenticationError',
      operation: 'token',
      httpStatus: 401,
      message: expect.stringContaining('invalid_client') as unknown,
    });
    expect(s.tokenRequests()).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a token endpoint that is briefly unavailable', async () => {
    let tokenCalls = 0;
    const tokens = issuingTokens();
    const s = await start(
      () => OK,
      (request) => (++tokenCalls === 1 ? { status: 503 } : tokens(request)),
    );

    await testClient(s).client.checkConnectivity();

    expect(s.tokenRequests()).toHaveLength(2);
    expect(s.apiRequests()[0]?.headers['authorization']).toBe('Bearer token-1');
  });
});
