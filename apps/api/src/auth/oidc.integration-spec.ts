import type { AuthSettingsDto, CurrentUserDto } from '@cd31/contracts';
import { fork } from 'node:child_process';
import * as path from 'node:path';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from '../../test/test-app';

/**
 * OpenID Connect sign-in against a real provider (panva's oidc-provider, run in a child process
 * by test/oidc-provider.js): the API redirects to it, the test logs in there like a browser
 * would (fetch + cookies, through the provider's interaction endpoints), then follows the
 * provider's redirect back to the API's callback.
 */

const REDIRECT_URL = 'http://localhost:3000/api/v1/auth/oidc/callback';
const RS256_CLIENT = {
  client_id: 'cd31-chorus',
  client_secret: 'rs256-client-secret-0123456789',
  redirect_uri: REDIRECT_URL,
};
const ES256_CLIENT = {
  client_id: 'cd31-chorus-es',
  client_secret: 'es256-client-secret-0123456789',
  redirect_uri: REDIRECT_URL,
  id_token_signed_response_alg: 'ES256',
};

interface TestProvider {
  readonly issuer: string;
  stop(): Promise<void>;
}

async function startProvider(clients: readonly object[]): Promise<TestProvider> {
  const child = fork(path.join(__dirname, '../../test/oidc-provider.js'), [], {
    env: { ...process.env, OIDC_TEST_CLIENTS: JSON.stringify(clients) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
        return;
      }
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  try {
    const issuer = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the OIDC provider did not start')), 10_000);
      child.once('message', (message) => {
        clearTimeout(timer);
        resolve((message as { issuer: string }).issuer);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the OIDC provider exited (${code}):\n${output}`));
      });
    });
    return { issuer, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The user's browser on the provider's side: follows nothing, keeps the cookies. */
class ProviderBrowser {
  private readonly cookies = new Map<string, string>();

  async navigate(url: string | URL, form?: Record<string, string>): Promise<URL> {
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const cookie of response.headers.getSetCookie()) {
      const pair = cookie.split(';')[0] ?? '';
      const equals = pair.indexOf('=');
      this.cookies.set(pair.slice(0, equals), pair.slice(equals + 1));
    }
    const location = response.headers.get('location');
    if (response.status !== 303 && response.status !== 302) {
      throw new Error(`provider answered ${response.status}: ${await response.text()}`);
    }
    return new URL(location ?? '', url);
  }
}

/**
 * Starts the sign-in on the API (keeping its cookie in `api`), logs in at the provider as
 * `account`, and returns the API callback URL (path and query) the provider sends back to.
 */
async function authorize(api: TestAgent, account: string, retour = '/factures'): Promise<string> {
  const start = await api
    .get(`/api/v1/auth/oidc/login?retour=${encodeURIComponent(retour)}`)
    .expect(302);
  const browser = new ProviderBrowser();
  const interaction = await browser.navigate(start.headers['location']);
  const resume = await browser.navigate(`${interaction.href}/login`, { account });
  const callback = await browser.navigate(resume);
  expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URL);
  return `${callback.pathname}${callback.search}`;
}

async function signInWith(
  testApp: TestApp,
  account: string,
  retour = '/factures',
): Promise<{ agent: TestAgent; location: string; cookies: string[] }> {
  const agent = request.agent(testApp.http);
  const callback = await authorize(agent, account, retour);
  const response = await agent.get(callback).expect(302);
  return {
    agent,
    location: response.headers['location'],
    cookies: (response.headers['set-cookie'] as unknown as string[] | undefined) ?? [],
  };
}

interface AuditRow {
  actor_email: string | null;
  action: string;
  outcome: string;
  before: unknown;
  after: { reason?: string; code?: string; role?: string; created?: boolean } | null;
}

async function auditRows(testApp: TestApp, action = 'auth.oidc_sign_in'): Promise<AuditRow[]> {
  return testApp.app
    .get(DataSource)
    .query<
      AuditRow[]
    >(`SELECT actor_email, action, outcome, before, after FROM audit_event WHERE action = $1 ORDER BY id`, [action]);
}

describe('OpenID Connect sign-in', () => {
  let provider: TestProvider;
  /** Role from the `roles` claim, no default role: unknown users without a role are refused. */
  let claimApp: TestApp;
  /** ES256 ID tokens, OIDC_DEFAULT_ROLE=gestionnaire; same database as claimApp. */
  let defaultRoleApp: TestApp;

  beforeAll(async () => {
    provider = await startProvider([RS256_CLIENT, ES256_CLIENT]);
    claimApp = await startTestApp({
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: RS256_CLIENT.client_id,
      OIDC_CLIENT_SECRET: RS256_CLIENT.client_secret,
      OIDC_ROLE_CLAIM: 'roles',
    });
    defaultRoleApp = await startTestApp({
      db: claimApp.db,
      env: {
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: ES256_CLIENT.client_id,
        OIDC_CLIENT_SECRET: ES256_CLIENT.client_secret,
        OIDC_DEFAULT_ROLE: 'gestionnaire',
      },
    });
    await claimApp.app
      .get(DataSource)
      .query(
        `INSERT INTO app_user (email, display_name, role, active) VALUES ('inactif@cd31.fr', 'Ancien agent', 'agent', false)`,
      );
  });

  afterAll(async () => {
    await defaultRoleApp?.close();
    await claimApp?.close();
    await provider?.stop();
  });

  it('says on the sign-in page that it is enabled', async () => {
    const response = await request(claimApp.http).get('/api/v1/auth/settings').expect(200);
    expect((response.body as AuthSettingsDto).oidcEnabled).toBe(true);
  });

  it('redirects to the provider with PKCE S256, state and nonce, in a short-lived cookie', async () => {
    const response = await request(claimApp.http)
      .get('/api/v1/auth/oidc/login?retour=/budgets')
      .expect(302);
    const location = new URL(response.headers['location']);
    expect(`${location.origin}${location.pathname}`).toBe(`${provider.issuer}/auth`);
    const params = Object.fromEntries(location.searchParams);
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: RS256_CLIENT.client_id,
      redirect_uri: REDIRECT_URL,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    expect(params['state']).toMatch(/^[\w-]{43}$/);
    expect(params['nonce']).toMatch(/^[\w-]{43}$/);
    expect(params['code_challenge']).toMatch(/^[\w-]{43}$/);
    const cookie = (response.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('cd31_oidc='),
    );
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/api\/v1\/auth\/oidc;/);
    expect(cookie).toMatch(/Max-Age=600/);
    // Sealed: neither the state nor anything readable in it.
    expect(cookie).not.toContain(params['state']);
  });

  it('signs in an existing user (email matched case-insensitively) and returns to the page', async () => {
    const { agent, location, cookies } = await signInWith(claimApp, 'agent-1', '/factures?page=2');
    expect(location).toBe('/factures?page=2');
    const session = cookies.find((c) => c.startsWith('cd31_session='));
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(cookies.find((c) => c.startsWith('cd31_oidc='))).toMatch(/Expires=Thu, 01 Jan 1970/);
    const me = await agent.get('/api/v1/auth/me').expect(200);
    expect(me.body as CurrentUserDto).toMatchObject({
      email: 'agent@demo.cd31.fr',
      role: 'agent',
    });
    const audit = await auditRows(claimApp);
    expect(audit.at(-1)).toMatchObject({
      actor_email: 'agent@demo.cd31.fr',
      outcome: 'success',
      after: { role: 'agent', created: false },
    });
  });

  it("updates a known user's role when the role claim names one", async () => {
    const { agent } = await signInWith(claimApp, 'gestion-1');
    const me = await agent.get('/api/v1/auth/me').expect(200);
    expect((me.body as CurrentUserDto).role).toBe('admin');
    const changes = await auditRows(claimApp, 'user.update');
    expect(changes.at(-1)).toMatchObject({
      actor_email: 'gestionnaire@demo.cd31.fr',
      before: { role: 'gestionnaire' },
      after: { role: 'admin', source: 'oidc_role_claim' },
    });
  });

  it('creates an unknown user with the role of the claim, without a password', async () => {
    const { agent } = await signInWith(claimApp, 'new-2');
    const me = await agent.get('/api/v1/auth/me').expect(200);
    expect(me.body as CurrentUserDto).toMatchObject({
      email: 'nouveau.claim@cd31.fr',
      displayName: 'Noé Claim',
      role: 'agent',
    });
    const [row] = await claimApp.app
      .get(DataSource)
      .query<
        { password_hash: string | null }[]
      >(`SELECT password_hash FROM app_user WHERE email = 'nouveau.claim@cd31.fr'`);
    expect(row).toEqual({ password_hash: null });
  });

  it('reads the claims the provider gives at its userinfo endpoint only', async () => {
    const { agent } = await signInWith(claimApp, 'userinfo-1');
    const me = await agent.get('/api/v1/auth/me').expect(200);
    expect(me.body as CurrentUserDto).toMatchObject({
      email: 'info.seule@cd31.fr',
      role: 'gestionnaire',
    });
  });

  it('refuses an unknown user when neither the claim nor the configuration gives a role', async () => {
    const { agent, location } = await signInWith(claimApp, 'new-1');
    expect(location).toBe('/connexion?erreur=oidc_non_autorise&retour=%2Ffactures');
    await agent.get('/api/v1/auth/me').expect(401);
    const users = await claimApp.app
      .get(DataSource)
      .query<unknown[]>(`SELECT id FROM app_user WHERE email = 'nouvelle.agente@cd31.fr'`);
    expect(users).toEqual([]);
    expect((await auditRows(claimApp)).at(-1)).toMatchObject({
      actor_email: 'nouvelle.agente@cd31.fr',
      outcome: 'failure',
      after: { code: 'oidc_non_autorise', reason: 'unknown user and no role' },
    });
  });

  it('creates an unknown user without role claim with OIDC_DEFAULT_ROLE (ES256 ID token)', async () => {
    const { agent, location } = await signInWith(defaultRoleApp, 'new-1', '/');
    expect(location).toBe('/');
    const me = await agent.get('/api/v1/auth/me').expect(200);
    expect(me.body as CurrentUserDto).toMatchObject({
      email: 'nouvelle.agente@cd31.fr',
      displayName: 'Nina Nouvelle',
      role: 'gestionnaire',
    });
    expect((await auditRows(defaultRoleApp)).at(-1)).toMatchObject({
      actor_email: 'nouvelle.agente@cd31.fr',
      outcome: 'success',
      after: { role: 'gestionnaire', created: true },
    });
  });

  it.each([
    ['unverified-1', 'oidc_email', 'email not verified'],
    ['noemail-1', 'oidc_email', 'no usable email claim'],
    ['inactive-1', 'oidc_inactif', 'account deactivated'],
    ['nobody', 'oidc_annule', 'provider error: access_denied'],
  ])('refuses %s with %s', async (account, code, reason) => {
    const { agent, location, cookies } = await signInWith(claimApp, account);
    expect(location).toBe(`/connexion?erreur=${code}&retour=%2Ffactures`);
    expect(cookies.some((c) => c.startsWith('cd31_session='))).toBe(false);
    await agent.get('/api/v1/auth/me').expect(401);
    expect((await auditRows(claimApp)).at(-1)).toMatchObject({
      outcome: 'failure',
      after: { code, reason },
    });
  });

  it('refuses a tampered state, a replayed callback and a callback without its cookie', async () => {
    const agent = request.agent(claimApp.http);
    const callback = await authorize(agent, 'agent-1');
    const url = new URL(callback, 'http://localhost');
    const state = url.searchParams.get('state') ?? '';
    url.searchParams.set('state', `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`);
    const tampered = await agent.get(`${url.pathname}${url.search}`).expect(302);
    expect(tampered.headers['location']).toBe('/connexion?erreur=oidc_expire&retour=%2Ffactures');
    await agent.get('/api/v1/auth/me').expect(401);
    expect((await auditRows(claimApp)).at(-1)).toMatchObject({
      actor_email: null,
      outcome: 'failure',
      after: { code: 'oidc_expire', reason: 'state mismatch' },
    });

    // The pending sign-in is single use: the genuine callback now finds no cookie.
    const replayed = await agent.get(callback).expect(302);
    expect(replayed.headers['location']).toBe('/connexion?erreur=oidc_expire');

    const elsewhere = await request(claimApp.http).get(callback).expect(302);
    expect(elsewhere.headers['location']).toBe('/connexion?erreur=oidc_expire');
  });

  it('never returns to another site', async () => {
    const { location } = await signInWith(claimApp, 'agent-1', '//evil.example/phish');
    expect(location).toBe('/');
  });

  it('keeps tokens, codes and secrets out of the audit trail', async () => {
    const rows = await claimApp.app
      .get(DataSource)
      .query<
        { row: string }[]
      >(`SELECT row_to_json(a)::text AS row FROM audit_event a WHERE action LIKE 'auth.oidc%' OR action LIKE 'user.%'`);
    const outcomes = new Set((await auditRows(claimApp)).map((r) => r.outcome));
    expect(outcomes).toEqual(new Set(['success', 'failure']));
    const text = rows.map((r) => r.row).join('\n');
    expect(text).not.toMatch(/eyJ[\w-]+\./); // a JWT
    expect(text).not.toContain(RS256_CLIENT.client_secret);
    expect(text).not.toContain(ES256_CLIENT.client_secret);
    expect(text).not.toMatch(/code=|verifier/i);
  });
});
