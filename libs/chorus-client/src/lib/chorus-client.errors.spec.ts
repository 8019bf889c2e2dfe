import {
  type ChorusTestServer,
  TEST_CPRO_ACCOUNT,
  TEST_CREDENTIALS,
  type TestHandler,
  type TestReply,
  startChorusTestServer,
  testClient,
} from '../testing/chorus-test-server';
import { ChorusClient } from './chorus-client';
import {
  ChorusError,
  ChorusForbiddenError,
  ChorusFunctionalError,
  ChorusHttpError,
  ChorusUnexpectedResponseError,
} from './chorus-errors';

const REFUSAL = {
  codeRetour: 20001,
  libelle: 'GCU_MSG_01_000 Le paramètre idFacture est invalide',
};

async function failureOf(promise: Promise<unknown>): Promise<ChorusError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ChorusError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a ChorusError');
}

describe('ChorusClient errors', () => {
  let server: ChorusTestServer | undefined;

  async function start(api: TestHandler, token?: TestHandler): Promise<ChorusTestServer> {
    server = await startChorusTestServer(token ? { api, token } : { api });
    return server;
  }

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('reads a functional error sent as HTTP 200 with a non-zero codeRetour', async () => {
    const s = await start(() => ({ body: REFUSAL }));

    const error = await failureOf(testClient(s).client.consultReceivedInvoice(1));

    expect(error).toBeInstanceOf(ChorusFunctionalError);
    expect(error).toMatchObject({
      operation: 'consultReceivedInvoice',
      httpStatus: 200,
      codeRetour: 20001,
      libelle: REFUSAL.libelle,
      retryable: false,
    });
    expect(error.message).toContain('codeRetour 20001');
  });

  it('reads the same functional error sent as HTTP 400, without retrying it', async () => {
    const s = await start(() => ({ status: 400, body: REFUSAL }));
    const { client, sleeps } = testClient(s);

    const error = await failureOf(client.consultReceivedInvoice(1));

    expect(error).toBeInstanceOf(ChorusFunctionalError);
    expect(error).toMatchObject({ httpStatus: 400, codeRetour: 20001, retryable: false });
    expect(s.apiRequests()).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('reads codeRetour sent as a string', async () => {
    const s = await start(() => ({ body: { codeRetour: '20001', libelle: 'x' } }));

    const error = await failureOf(testClient(s).client.consultReceivedInvoice(1));

    expect(error.codeRetour).toBe(20001);
  });

  it('maps a 403 with an empty body to ChorusForbiddenError, not retried', async () => {
    const s = await start(() => ({ status: 403 }));

    const error = await failureOf(testClient(s).client.checkConnectivity());

    expect(error).toBeInstanceOf(ChorusForbiddenError);
    expect(error).toMatchObject({ httpStatus: 403, codeRetour: null, retryable: false });
    expect(error.message).toContain('terms of use');
    expect(s.apiRequests()).toHaveLength(1);
  });

  it.each([404, 413, 415, 500])('maps HTTP %i to ChorusHttpError, not retried', async (status) => {
    const s = await start(() => ({ status, body: { message: 'boom' } }));

    const error = await failureOf(testClient(s).client.checkConnectivity());

    expect(error).toBeInstanceOf(ChorusHttpError);
    expect(error).toMatchObject({ httpStatus: status, retryable: false });
    expect(s.apiRequests()).toHaveLength(1);
  });

  it('keeps codeRetour and libelle when a 500 carries them', async () => {
    const s = await start(() => ({ status: 500, body: { codeRetour: 99, libelle: 'ERR_TECH' } }));

    const error = await failureOf(testClient(s).client.checkConnectivity());

    expect(error).toMatchObject({ httpStatus: 500, codeRetour: 99, libelle: 'ERR_TECH' });
  });

  it('reports a 200 that is not JSON as an unexpected response', async () => {
    const s = await start(() => ({ kind: 'text', status: 200, text: '<html>maintenance</html>' }));

    await expect(testClient(s).client.checkConnectivity()).rejects.toBeInstanceOf(
      ChorusUnexpectedResponseError,
    );
  });

  it('never puts a secret, the token or the cpro-account in errors or events', async () => {
    const secrets = [
      TEST_CREDENTIALS.clientSecret,
      TEST_CREDENTIALS.password,
      TEST_CPRO_ACCOUNT,
      'token-secret-abcdef',
    ];
    const scenarios: { api: TestHandler; token?: TestHandler }[] = [
      {
        api: () => ({ status: 200 }),
        token: () => ({ status: 401, body: { error: 'invalid_client' } }),
      },
      { api: () => ({ status: 200 }), token: () => ({ body: { access_token: '' } }) },
      { api: (): TestReply => ({ status: 401 }) },
      { api: () => ({ status: 403 }) },
      { api: () => ({ status: 500, body: REFUSAL }) },
      { api: () => ({ status: 400, body: REFUSAL }) },
      { api: () => ({ kind: 'close' }) },
      { api: () => ({ status: 503 }) },
    ];
    for (const scenario of scenarios) {
      const s = await start(
        scenario.api,
        scenario.token ??
          (() => ({ body: { access_token: 'token-secret-abcdef', expires_in: 3600 } })),
      );
      const { client, events } = testClient(s, { retry: { maxAttempts: 2 } });

      const error = await failureOf(client.checkConnectivity());

      const cause: unknown = error.cause;
      const visible = [
        error.message,
        String(error),
        error.stack ?? '',
        JSON.stringify(error),
        cause instanceof Error ? `${cause.message} ${String(cause.cause)}` : String(cause),
        JSON.stringify(events),
      ].join('\n');
      for (const secret of secrets) {
        expect(visible).not.toContain(secret);
      }
      await s.close();
      server = undefined;
    }
  });

  it('does not follow a redirect (it would carry the credentials elsewhere)', async () => {
    const s = await start(() => ({ status: 302, headers: { location: 'http://127.0.0.1:9/' } }));

    const error = await failureOf(testClient(s).client.checkConnectivity());

    expect(error).toMatchObject({ httpStatus: 302, retryable: false });
  });

  it('keeps working when the event callback throws', async () => {
    const s = await start(() => ({ body: { codeRetour: 0, listeTauxTva: [] } }));
    const client = new ChorusClient(s.config(), {
      onEvent: () => {
        throw new Error('logger down');
      },
    });

    await expect(client.checkConnectivity()).resolves.toMatchObject({ tauxTvaCount: 0 });
  });
});
