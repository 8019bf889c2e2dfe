import { type ChorusSimulator } from './simulator';

/** A bare client for the specs: real sockets through node's fetch, nothing clever. */
export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

export async function fetchToken(
  sim: ChorusSimulator,
  form?: Record<string, string>,
): Promise<Response> {
  return fetch(sim.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(
      form ?? {
        grant_type: 'client_credentials',
        client_id: sim.clientId,
        client_secret: sim.clientSecret,
        scope: 'openid',
      },
    ).toString(),
  });
}

export async function token(sim: ChorusSimulator): Promise<string> {
  const res = await fetchToken(sim);
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

export async function call(
  sim: ChorusSimulator,
  path: string,
  body: unknown,
  auth: { token?: string | null; account?: string | null } = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json;charset=utf-8' };
  if (auth.token !== null) {
    headers['authorization'] = `Bearer ${auth.token ?? (await token(sim))}`;
  }
  if (auth.account !== null) {
    headers['cpro-account'] = auth.account ?? sim.cproAccount;
  }
  const res = await fetch(`${sim.apiUrl}${path}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

export async function admin(
  sim: ChorusSimulator,
  method: string,
  route: string,
  body?: unknown,
): Promise<CallResult> {
  const res = await fetch(`${sim.adminUrl}/${route}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: JSON.parse(text) as Record<string, unknown>,
  };
}

export interface SearchItem {
  readonly idFacture: number;
  readonly numeroFacture: string;
  readonly statut: string;
  readonly dateHeureEtatCourant: string;
  readonly codeDestinataire: string;
  readonly idDestinataire: number;
  readonly [key: string]: unknown;
}

export const RECIPIENT_SEARCH = '/cpro/factures/v1/rechercher/recipiendaire';
