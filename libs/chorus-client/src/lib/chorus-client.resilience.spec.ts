import {
  type ChorusTestServer,
  type TestHandler,
  type TestReply,
  startChorusTestServer,
  testClient,
} from '../testing/chorus-test-server';
import {
  ChorusAbortedError,
  ChorusHttpError,
  ChorusNetworkError,
  ChorusTimeoutError,
} from './chorus-errors';

const OK: TestReply = { body: { codeRetour: 0, listeTauxTva: [{ tauxTva: 20 }] } };

/** Replies in turn, then OK. */
function sequence(...replies: TestReply[]): TestHandler {
  let call = 0;
  return () => replies[call++] ?? OK;
}

describe('ChorusClient resilience', () => {
  let server: ChorusTestServer | undefined;

  async function start(api: TestHandler): Promise<ChorusTestServer> {
    server = await startChorusTestServer({ api });
    return server;
  }

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('honours Retry-After in seconds on a 429', async () => {
    const s = await start(sequence({ status: 429, headers: { 'retry-after': '7' } }));
    const { client, sleeps } = testClient(s);

    await expect(client.checkConnectivity()).resolves.toMatchObject({ tauxTvaCount: 1 });

    expect(sleeps).toEqual([7000]);
    expect(s.apiRequests()).toHaveLength(2);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const now = Date.parse('2024-03-05T10:00:00Z');
    const s = await start(
      sequence({ status: 429, headers: { 'retry-after': 'Tue, 05 Mar 2024 10:00:30 GMT' } }),
    );
    const { client, sleeps } = testClient(s, { now: () => now });

    await client.checkConnectivity();

    expect(sleeps).toEqual([30_000]);
  });

  it('caps a huge Retry-After', async () => {
    const s = await start(sequence({ status: 429, headers: { 'retry-after': '86400' } }));
    const { client, sleeps } = testClient(s, { retry: { maxRetryAfterMs: 60_000 } });

    await client.checkConnectivity();

    expect(sleeps).toEqual([60_000]);
  });

  it('retries a 503, then succeeds', async () => {
    const s = await start(sequence({ status: 503 }, { status: 503 }));
    const { client, sleeps, events } = testClient(s);

    await client.checkConnectivity();

    expect(s.apiRequests()).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(
      events
        .filter((e) => e.operation === 'checkConnectivity')
        .map((e) => [e.attempt, e.status, e.outcome]),
    ).toEqual([
      [1, 503, 'retry'],
      [2, 503, 'retry'],
      [3, 200, 'success'],
    ]);
  });

  it.each([502, 504])('retries a %i from the gateway', async (status) => {
    const s = await start(sequence({ status }));

    await testClient(s).client.checkConnectivity();

    expect(s.apiRequests()).toHaveLength(2);
  });

  it('backs off exponentially with full jitter, within the cap', async () => {
    const s = await start(() => ({ status: 503 }));
    const { client, sleeps } = testClient(s, {
      random: () => 0.999,
      retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 500 },
    });

    const failure = client.checkConnectivity();

    await expect(failure).rejects.toMatchObject({
      name: 'ChorusHttpError',
      httpStatus: 503,
      retryable: true,
    });
    expect(sleeps).toEqual([99, 199, 399, 499]);
    expect(s.apiRequests()).toHaveLength(5);
  });

  it('draws each backoff from zero up to its ceiling', async () => {
    const s = await start(sequence({ status: 503 }));
    const { client, sleeps } = testClient(s, {
      random: () => 0,
      retry: { baseDelayMs: 100 },
    });

    await client.checkConnectivity();

    expect(sleeps).toEqual([0]);
  });

  it('retries a connection reset in the middle of the response', async () => {
    const s = await start(sequence({ kind: 'reset-mid-body', partial: '{"codeRetour":0,"liste' }));

    await expect(testClient(s).client.checkConnectivity()).resolves.toMatchObject({
      tauxTvaCount: 1,
    });

    expect(s.apiRequests()).toHaveLength(2);
  });

  it('retries a socket closed before any response', async () => {
    const s = await start(sequence({ kind: 'close' }));

    await testClient(s).client.checkConnectivity();

    expect(s.apiRequests()).toHaveLength(2);
  });

  it('gives up on a refused connection after the configured attempts', async () => {
    const s = await start(() => OK);
    const config = s.config();
    await s.close();
    server = undefined;
    const { client, sleeps } = testClient(s, { retry: { maxAttempts: 3 } });

    const failure = client.checkConnectivity();

    await expect(failure).rejects.toBeInstanceOf(ChorusNetworkError);
    await expect(failure).rejects.toMatchObject({
      operation: 'token',
      code: 'ECONNREFUSED',
      retryable: true,
    });
    expect(sleeps).toHaveLength(2);
    expect(config.oauthUrl).toContain('127.0.0.1');
  });

  it('times out a request that gets no answer, then retries it', async () => {
    const s = await start(sequence({ kind: 'hang' }));
    const { client } = testClient(s, { config: { timeoutMs: 150 } });

    await expect(client.checkConnectivity()).resolves.toMatchObject({ tauxTvaCount: 1 });

    expect(s.apiRequests()).toHaveLength(2);
  });

  it('reports a timeout as ChorusTimeoutError when every attempt times out', async () => {
    const s = await start(() => ({ kind: 'hang' }));
    const { client } = testClient(s, { config: { timeoutMs: 100 }, retry: { maxAttempts: 2 } });

    await expect(client.checkConnectivity()).rejects.toBeInstanceOf(ChorusTimeoutError);
  });

  it('does not retry processing an invoice after a timeout (it may have been applied)', async () => {
    const s = await start(sequence({ kind: 'hang' }));
    const { client } = testClient(s, { config: { timeoutMs: 100 } });

    const failure = client.processReceivedInvoice({
      idFacture: 1,
      nouveauStatut: 'A_RECYCLER',
      motif: 'x',
    });

    await expect(failure).rejects.toMatchObject({ name: 'ChorusTimeoutError', retryable: false });
    expect(s.apiRequests()).toHaveLength(1);
  });

  it('retries processing an invoice on a 503 (the request was not processed)', async () => {
    const s = await start(
      sequence(
        { status: 503 },
        { body: { codeRetour: 0, idFacture: 1, nouveauStatut: 'A_RECYCLER' } },
      ),
    );

    await expect(
      testClient(s).client.processReceivedInvoice({
        idFacture: 1,
        nouveauStatut: 'A_RECYCLER',
        motif: 'x',
      }),
    ).resolves.toMatchObject({ idFacture: 1 });
    expect(s.apiRequests()).toHaveLength(2);
  });

  it('stops at once when the caller aborts', async () => {
    const s = await start(() => ({ kind: 'hang' }));
    const { client } = testClient(s);
    const controller = new AbortController();

    const failure = client.getStatusHistory(1, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);

    await expect(failure).rejects.toBeInstanceOf(ChorusAbortedError);
    expect(s.apiRequests()).toHaveLength(1);
  });

  it('stops waiting for a hanging token endpoint when the caller aborts', async () => {
    server = await startChorusTestServer({ api: () => OK, token: () => ({ kind: 'hang' }) });
    const { client } = testClient(server);
    const controller = new AbortController();

    const failure = client.checkConnectivity({ signal: controller.signal });
    setTimeout(() => controller.abort(), 50);

    await expect(failure).rejects.toBeInstanceOf(ChorusAbortedError);
    expect(server.apiRequests()).toHaveLength(0);
  });

  it('reports each attempt as a structured event', async () => {
    const s = await start(sequence({ status: 503 }));
    const { client, events } = testClient(s);

    await client.checkConnectivity();

    expect(events).toEqual([
      expect.objectContaining({ operation: 'token', attempt: 1, status: 200, outcome: 'success' }),
      expect.objectContaining({
        operation: 'checkConnectivity',
        attempt: 1,
        status: 503,
        outcome: 'retry',
        retryInMs: expect.any(Number) as unknown,
      }),
      expect.objectContaining({ operation: 'checkConnectivity', attempt: 2, status: 200 }),
    ]);
    for (const event of events) {
      expect(event.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('exposes the last 429 as a retryable ChorusHttpError once attempts run out', async () => {
    const s = await start(() => ({ status: 429, headers: { 'retry-after': '1' } }));
    const { client } = testClient(s, { retry: { maxAttempts: 2 } });

    const failure = client.checkConnectivity();

    await expect(failure).rejects.toBeInstanceOf(ChorusHttpError);
    await expect(failure).rejects.toMatchObject({ httpStatus: 429, retryable: true });
  });
});
