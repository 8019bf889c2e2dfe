import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import {
  generateDataset,
  type ChorusInvoice,
  type ChorusStatus,
  type Dataset,
  type DatasetOptions,
} from '@cd31/dataset';
import {
  buildAddedInvoice,
  parseDuration,
  parseInvoicePatch,
  parseNewInvoice,
  type NewInvoiceInput,
} from './admin';
import { API_ROUTES, badRequestReply, type ApiContext, type ApiReply } from './chorus-api';
import { SimulatorClock } from './clock';
import { Faults, type FaultSettings, type FaultState, type InjectedFault } from './faults';
import { InvoiceError, InvoiceStore, type InvoicePatch } from './invoice-store';
import { BadRequest, isObject, type JsonObject } from './request';
import { TokenRegistry } from './tokens';

export const DEFAULT_CLIENT_ID = 'cd31-chorus-sim';
export const DEFAULT_CLIENT_SECRET = 'cd31-chorus-sim-secret';
export const TOKEN_PATH = '/api/oauth/token';
const MAX_BODY_BYTES = 1024 * 1024;

export interface ChorusSimulatorOptions {
  /** The data to serve; default generateDataset(datasetOptions). */
  readonly dataset?: Dataset;
  readonly datasetOptions?: DatasetOptions;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** Technical account expected in `cpro-account`; default the dataset's. */
  readonly login?: string;
  readonly password?: string;
  /** Lifetime of issued tokens (wall-clock seconds). Default 3600. */
  readonly tokenTtlSeconds?: number;
  /** Where the simulated clock starts; default the dataset's now. */
  readonly now?: Date;
  /** 0 (default): the clock moves only when told; s > 0: s simulated seconds per real second. */
  readonly clockSpeed?: number;
  /** `dateExpirationMotPasseCompteTech`; default the dataset's technical account's. */
  readonly passwordExpiresAt?: Date;
}

export interface SimulatorStats {
  /** Calls per path (token and API endpoints, unknown paths included; not the admin API). */
  readonly calls: Readonly<Record<string, number>>;
  /** Answers per HTTP status (token and API endpoints). */
  readonly responses: Readonly<Record<string, number>>;
  readonly tokensIssued: number;
  readonly faultsInjected: Readonly<Record<InjectedFault, number>>;
}

/** An invoice as the simulator holds it now, with its current state at the simulated now. */
export interface SimulatedInvoice extends ChorusInvoice {
  readonly visible: boolean;
  readonly statutCourant: ChorusStatus | null;
  readonly dateHeureEtatCourant: Date | null;
  readonly factureTelechargeeParDestinataire: boolean;
}

export interface SimulatorClockControl {
  now(): Date;
  advance(ms: number): Date;
  set(instant: Date): Date;
  setSpeed(speed: number): void;
  readonly speed: number;
}

export interface ChorusSimulator {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The token endpoint, `url + /api/oauth/token` (like `https://oauth.piste.gouv.fr/api/oauth/token`: CHORUS_OAUTH_URL). */
  readonly oauthUrl: string;
  /** Same as oauthUrl. */
  readonly tokenUrl: string;
  /** Base of the API (like `https://api.piste.gouv.fr`); paths start with `/cpro/`. */
  readonly apiUrl: string;
  /** `url + /__admin`. */
  readonly adminUrl: string;
  readonly port: number;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly login: string;
  readonly password: string;
  /** The value of the `cpro-account` header: base64("login:password"). */
  readonly cproAccount: string;
  readonly dataset: Dataset;
  readonly clock: SimulatorClockControl;
  readonly faults: {
    set(settings: FaultSettings): FaultState;
    reset(): FaultState;
    current(): FaultState;
  };
  stats(): SimulatorStats;
  resetStats(): void;
  addInvoice(input?: NewInvoiceInput): SimulatedInvoice;
  /** Changes fields and/or records a status at the simulated now. */
  updateInvoice(idFacture: number, patch: InvoicePatch): SimulatedInvoice;
  invoice(idFacture: number): SimulatedInvoice | null;
  close(): Promise<void>;
}

class TooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new TooLarge());
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function emptyFaultCounts(): Record<InjectedFault, number> {
  return { latency: 0, http429: 0, http500: 0, http503: 0, reset: 0, failPage: 0, emptyToken: 0 };
}

function parseFaultSettings(body: unknown): FaultSettings {
  if (!isObject(body)) {
    throw new BadRequest('Expected a JSON object');
  }
  const num = (o: JsonObject, key: string): number | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new BadRequest(`${key}: expected a number`);
    return v;
  };
  const sub = (key: string): JsonObject | undefined => {
    const v = body[key];
    if (v === undefined) return undefined;
    if (!isObject(v)) throw new BadRequest(`${key}: expected an object`);
    return v;
  };
  const burst = sub('burst429');
  const resets = sub('resetConnections');
  const failPage = sub('failPageOnce');
  const emptyTokens = sub('emptyTokens');
  const expire = body['expireTokensNow'];
  if (expire !== undefined && typeof expire !== 'boolean') {
    throw new BadRequest('expireTokensNow: expected a boolean');
  }
  return {
    errorRate: num(body, 'errorRate'),
    latencyMs: num(body, 'latencyMs'),
    expireTokensNow: expire,
    burst429: burst && {
      count: num(burst, 'count') ?? 1,
      retryAfterSeconds: num(burst, 'retryAfterSeconds') ?? 1,
    },
    resetConnections: resets && { count: num(resets, 'count') ?? 1 },
    failPageOnce: failPage && { page: num(failPage, 'page') ?? 1 },
    emptyTokens: emptyTokens && { count: num(emptyTokens, 'count') ?? 1 },
  };
}

/**
 * Starts a Chorus Pro (PISTE) simulator over real sockets: OAuth, the `/cpro/...` endpoints of
 * chorus-pro-api.md, simulated time, fault injection, and an admin API under `/__admin/`.
 */
export async function startChorusSimulator(
  options: ChorusSimulatorOptions = {},
): Promise<ChorusSimulator> {
  const dataset = options.dataset ?? generateDataset(options.datasetOptions);
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = options.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const login = options.login ?? dataset.technicalAccount.login;
  const password = options.password ?? dataset.technicalAccount.password;
  const cproAccount = Buffer.from(`${login}:${password}`, 'utf8').toString('base64');
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
  const passwordExpiresAt = options.passwordExpiresAt ?? dataset.technicalAccount.passwordExpiresAt;
  const clock = new SimulatorClock((options.now ?? dataset.now).getTime(), options.clockSpeed ?? 0);
  const store = new InvoiceStore(dataset, clock.nowMs());
  const tokens = new TokenRegistry();
  const faults = new Faults(dataset.seed, () => tokens.expireAll());
  let calls: Record<string, number> = {};
  let responses: Record<string, number> = {};
  let faultsInjected = emptyFaultCounts();
  let tokensIssuedAtReset = 0;

  const count = (fault: InjectedFault): void => {
    faultsInjected[fault]++;
  };

  const apiContext: ApiContext = {
    store,
    nowMs: () => clock.nowMs(),
    passwordExpiresAt,
    failPage: (page) => {
      const hit = faults.takeFailPage(page);
      if (hit) {
        count('failPage');
      }
      return hit;
    },
  };

  const simulatedInvoice = (index: number): SimulatedInvoice => {
    const t = clock.nowMs();
    store.sync(t);
    const at = store.currentAtMs(index);
    return {
      ...store.record(index),
      visible: store.isVisible(index, t),
      statutCourant: store.currentStatus(index),
      dateHeureEtatCourant: Number.isNaN(at) ? null : new Date(at),
      factureTelechargeeParDestinataire: store.isDownloaded(index, t),
    };
  };

  const indexOf = (idFacture: number): number => {
    const index = store.indexOfId(idFacture);
    if (index < 0) {
      throw new InvoiceError(`No invoice ${idFacture}`);
    }
    return index;
  };

  const addInvoice = (input: NewInvoiceInput = {}): SimulatedInvoice => {
    const t = clock.nowMs();
    const added = store.add(
      (index, idFacture) => buildAddedInvoice(dataset, input, index, idFacture, t),
      t,
    );
    return simulatedInvoice(added.index);
  };

  const updateInvoice = (idFacture: number, patch: InvoicePatch): SimulatedInvoice => {
    const index = indexOf(idFacture);
    store.patch(index, patch, clock.nowMs());
    return simulatedInvoice(index);
  };

  const stats = (): SimulatorStats => ({
    calls: { ...calls },
    responses: { ...responses },
    tokensIssued: tokens.issued - tokensIssuedAtReset,
    faultsInjected: { ...faultsInjected },
  });

  const send = (res: ServerResponse, reply: ApiReply, counted: boolean, reset = false): void => {
    const payload =
      reply.body === null ? Buffer.alloc(0) : Buffer.from(JSON.stringify(reply.body), 'utf8');
    const headers: Record<string, string | number> = {
      'content-length': payload.length,
      ...reply.headers,
    };
    if (reply.body !== null) {
      headers['content-type'] = 'application/json;charset=utf-8';
    }
    if (counted) {
      responses[reply.status] = (responses[reply.status] ?? 0) + 1;
    }
    res.writeHead(reply.status, headers);
    if (reset) {
      res.flushHeaders();
      res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => res.destroy());
      return;
    }
    res.end(payload);
  };

  const handleToken = async (
    req: IncomingMessage,
    res: ServerResponse,
    raw: Buffer,
  ): Promise<void> => {
    calls[TOKEN_PATH] = (calls[TOKEN_PATH] ?? 0) + 1;
    if (faults.latency() > 0) {
      count('latency');
      await sleep(faults.latency());
    }
    if (req.method !== 'POST') {
      send(
        res,
        {
          status: 405,
          body: { error: 'invalid_request', error_description: 'POST only' },
          headers: { allow: 'POST' },
        },
        true,
      );
      return;
    }
    if (!/application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')) {
      send(
        res,
        {
          status: 400,
          body: {
            error: 'invalid_request',
            error_description: 'Expected application/x-www-form-urlencoded',
          },
        },
        true,
      );
      return;
    }
    const form = new URLSearchParams(raw.toString('utf8'));
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic?.[1]) {
      const [user, ...rest] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      id = decodeURIComponent(user ?? '');
      secret = decodeURIComponent(rest.join(':'));
    }
    if (form.get('grant_type') !== 'client_credentials') {
      send(
        res,
        {
          status: 400,
          body: {
            error: 'unsupported_grant_type',
            error_description: 'grant_type must be client_credentials',
          },
        },
        true,
      );
      return;
    }
    if (id !== clientId || secret !== clientSecret) {
      send(
        res,
        {
          status: 401,
          body: { error: 'invalid_client', error_description: 'Client authentication failed' },
        },
        true,
      );
      return;
    }
    const scope = form.get('scope') || 'openid';
    if (faults.takeEmptyToken()) {
      count('emptyToken');
      send(
        res,
        { status: 200, body: { access_token: '', token_type: 'Bearer', expires_in: 0, scope } },
        true,
      );
      return;
    }
    const accessToken = tokens.issue(tokenTtlSeconds);
    send(
      res,
      {
        status: 200,
        body: {
          access_token: accessToken,
          token_type: 'Bearer',
          expires_in: Math.ceil(tokenTtlSeconds),
          scope,
        },
      },
      true,
    );
  };

  const handleApi = async (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    raw: Buffer,
  ): Promise<void> => {
    calls[path] = (calls[path] ?? 0) + 1;
    const handler = API_ROUTES[path];
    if (faults.latency() > 0) {
      count('latency');
      await sleep(faults.latency());
    }
    if (!handler) {
      send(
        res,
        { status: 404, body: { codeRetour: 404, libelle: `Ressource inconnue : ${path}` } },
        true,
      );
      return;
    }
    if (req.method !== 'POST') {
      send(
        res,
        {
          status: 405,
          body: { codeRetour: 405, libelle: 'Méthode non autorisée : POST attendu' },
          headers: { allow: 'POST' },
        },
        true,
      );
      return;
    }
    const retryAfter = faults.take429();
    if (retryAfter !== null) {
      count('http429');
      send(
        res,
        {
          status: 429,
          body: { error: 'too_many_requests', error_description: 'Quota de requêtes dépassé' },
          headers: { 'retry-after': String(retryAfter) },
        },
        true,
      );
      return;
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!bearer?.[1] || !tokens.isValid(bearer[1])) {
      send(
        res,
        {
          status: 401,
          body: {
            error: 'invalid_token',
            error_description: bearer ? 'Jeton invalide ou expiré' : 'Jeton absent',
          },
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        },
        true,
      );
      return;
    }
    if (req.headers['cpro-account'] !== cproAccount) {
      send(res, { status: 403, body: null }, true);
      return;
    }
    if (raw.length > 0 && !/json/i.test(req.headers['content-type'] ?? '')) {
      send(
        res,
        {
          status: 415,
          body: { codeRetour: 415, libelle: 'Content-Type attendu : application/json' },
        },
        true,
      );
      return;
    }
    const serverError = faults.takeServerError();
    if (serverError !== null) {
      count(serverError === 500 ? 'http500' : 'http503');
      send(
        res,
        serverError === 500
          ? { status: 500, body: { codeRetour: 500, libelle: 'Erreur technique' } }
          : {
              status: 503,
              body: {
                error: 'service_unavailable',
                error_description: 'Service momentanément indisponible',
              },
            },
        true,
      );
      return;
    }
    let reply: ApiReply;
    try {
      let body: unknown = {};
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new BadRequest('Corps de requête JSON invalide');
        }
      }
      if (!isObject(body)) {
        throw new BadRequest('Le corps de la requête doit être un objet JSON');
      }
      reply = handler(body, apiContext);
    } catch (error) {
      if (error instanceof BadRequest) {
        reply = badRequestReply(error);
      } else {
        throw error;
      }
    }
    const reset = faults.takeReset();
    if (reset) {
      count('reset');
    }
    send(res, reply, true, reset);
  };

  const handleAdmin = (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    raw: Buffer,
  ): void => {
    const method = req.method ?? 'GET';
    const route = path.replace(/^\/__admin\/?/, '');
    const json = (status: number, body: unknown): void => send(res, { status, body }, false);
    let body: unknown = {};
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        json(400, { error: 'Invalid JSON body' });
        return;
      }
    }
    const clockState = (): JsonObject => ({
      now: new Date(clock.nowMs()).toISOString(),
      speed: clock.speed,
    });
    try {
      const invoiceMatch = /^invoices\/(\d+)$/.exec(route);
      if (route === '' && method === 'GET') {
        json(200, {
          url: simulator.url,
          oauthUrl: simulator.oauthUrl,
          apiUrl: simulator.apiUrl,
          clientId,
          login,
          seed: dataset.seed,
          invoiceCount: store.count,
          clock: clockState(),
        });
      } else if (route === 'clock' && method === 'GET') {
        json(200, clockState());
      } else if (route === 'clock' && (method === 'POST' || method === 'PUT')) {
        if (!isObject(body)) {
          throw new BadRequest('Expected {"now": ISO date, "speed": number}');
        }
        if (body['now'] !== undefined) {
          const at = typeof body['now'] === 'string' ? Date.parse(body['now']) : Number.NaN;
          if (Number.isNaN(at)) {
            throw new BadRequest('now: expected an ISO date');
          }
          clock.set(at);
        }
        if (body['speed'] !== undefined) {
          if (typeof body['speed'] !== 'number') {
            throw new BadRequest('speed: expected a number');
          }
          clock.setSpeed(body['speed']);
        }
        json(200, clockState());
      } else if (route === 'clock/advance' && method === 'POST') {
        clock.advance(parseDuration(body));
        json(200, clockState());
      } else if (route === 'faults' && method === 'GET') {
        json(200, faults.state());
      } else if (route === 'faults' && (method === 'POST' || method === 'PUT')) {
        json(200, faults.set(parseFaultSettings(body)));
      } else if (
        (route === 'faults' && method === 'DELETE') ||
        (route === 'faults/reset' && method === 'POST')
      ) {
        json(200, faults.reset());
      } else if (route === 'stats' && method === 'GET') {
        json(200, stats());
      } else if (
        (route === 'stats' && method === 'DELETE') ||
        (route === 'stats/reset' && method === 'POST')
      ) {
        simulator.resetStats();
        json(200, stats());
      } else if (route === 'invoices' && method === 'POST') {
        json(201, addInvoice(parseNewInvoice(body)));
      } else if (invoiceMatch && method === 'GET') {
        const found = simulator.invoice(Number(invoiceMatch[1]));
        if (found) {
          json(200, found);
        } else {
          json(404, { error: `No invoice ${invoiceMatch[1]}` });
        }
      } else if (invoiceMatch && (method === 'PATCH' || method === 'POST' || method === 'PUT')) {
        json(200, updateInvoice(Number(invoiceMatch[1]), parseInvoicePatch(body)));
      } else {
        json(404, { error: `No admin route ${method} ${path}` });
      }
    } catch (error) {
      if (
        error instanceof BadRequest ||
        error instanceof InvoiceError ||
        error instanceof RangeError
      ) {
        json(400, { error: error.message });
        return;
      }
      throw error;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (error) {
      if (error instanceof TooLarge) {
        res.setHeader('connection', 'close');
        send(
          res,
          { status: 413, body: { codeRetour: 413, libelle: 'Requête trop volumineuse' } },
          true,
        );
        return;
      }
      throw error;
    }
    if (path === TOKEN_PATH) {
      await handleToken(req, res, raw);
    } else if (path === '/__admin' || path.startsWith('/__admin/')) {
      handleAdmin(req, res, path, raw);
    } else {
      await handleApi(req, res, path, raw);
    }
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('chorus-simulator: unexpected error', error);
      if (!res.headersSent) {
        send(res, { status: 500, body: { codeRetour: 500, libelle: 'Erreur technique' } }, true);
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  const simulator: ChorusSimulator = {
    url,
    oauthUrl: `${url}${TOKEN_PATH}`,
    tokenUrl: `${url}${TOKEN_PATH}`,
    apiUrl: url,
    adminUrl: `${url}/__admin`,
    port: address.port,
    clientId,
    clientSecret,
    login,
    password,
    cproAccount,
    dataset,
    clock: {
      now: () => new Date(clock.nowMs()),
      advance: (ms) => new Date(clock.advance(ms)),
      set: (instant) => new Date(clock.set(instant.getTime())),
      setSpeed: (speed) => clock.setSpeed(speed),
      get speed() {
        return clock.speed;
      },
    },
    faults: {
      set: (settings) => faults.set(settings),
      reset: () => faults.reset(),
      current: () => faults.state(),
    },
    stats,
    resetStats: () => {
      calls = {};
      responses = {};
      faultsInjected = emptyFaultCounts();
      tokensIssuedAtReset = tokens.issued;
    },
    addInvoice,
    updateInvoice,
    invoice: (idFacture) => {
      const index = store.indexOfId(idFacture);
      return index < 0 ? null : simulatedInvoice(index);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) {
          socket.destroy();
        }
      }),
  };
  return simulator;
}
