import type { ApiErrorBody, CurrentUserDto, SessionDto } from '@cd31/contracts';
import { ROLES, roleAllows } from '@cd31/domain';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from '../../test/test-app';
import { PUBLIC_ROUTE, REQUIRED_PERMISSION, type RoutePermission } from './auth.decorators';
import { DEMO_ACCOUNTS } from './demo-accounts';

interface RegisteredRoute {
  readonly method: string;
  readonly path: string;
  readonly isPublic: boolean;
  readonly permission: RoutePermission | undefined;
}

/** Every route Nest registered, read from the controllers' metadata. */
function registeredRoutes(testApp: TestApp): RegisteredRoute[] {
  const discovery = new DiscoveryService(testApp.app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = testApp.app.get(Reflector);
  const routes: RegisteredRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    if (!instance || !wrapper.metatype) {
      continue;
    }
    const controllerPath = String(Reflect.getMetadata(PATH_METADATA, wrapper.metatype) ?? '');
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = (prototype as Record<string, unknown>)[name] as (
        ...args: unknown[]
      ) => unknown;
      const methodPath = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (methodPath === undefined) {
        continue;
      }
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const targets = [handler, wrapper.metatype];
      const path = `/api/v1/${[controllerPath, methodPath].filter((p) => p && p !== '/').join('/')}`
        .replace(/\/+/g, '/')
        .replace(/:code\b/g, '01')
        .replace(/:[a-zA-Z]+/g, '1');
      routes.push({
        method,
        path,
        isPublic: reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) ?? false,
        permission: reflector.getAllAndOverride<RoutePermission>(REQUIRED_PERMISSION, targets),
      });
    }
  }
  return routes;
}

function send(
  client: request.Agent | ReturnType<typeof request>,
  route: RegisteredRoute,
): request.Test {
  const verb = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  return client[verb](route.path);
}

describe('access control on every route', () => {
  let testApp: TestApp;
  let routes: RegisteredRoute[];

  beforeAll(async () => {
    testApp = await startTestApp();
    routes = registeredRoutes(testApp);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('finds the routes', () => {
    expect(routes.length).toBeGreaterThan(5);
    expect(routes).toContainEqual(
      expect.objectContaining({ method: 'GET', path: '/api/v1/budgets' }),
    );
  });

  it('declares a permission on every route but health and sign-in', () => {
    const publicRoutes = routes.filter((r) => r.isPublic).map((r) => `${r.method} ${r.path}`);
    expect(publicRoutes.sort()).toEqual(
      [
        'GET /api/v1/auth/settings',
        'GET /api/v1/health',
        'POST /api/v1/auth/sign-in',
        'GET /api/v1/auth/oidc/login',
        'GET /api/v1/auth/oidc/callback',
      ].sort(),
    );
    const undeclared = routes.filter((r) => !r.isPublic && !r.permission);
    expect(undeclared).toEqual([]);
  });

  it('refuses an anonymous request on every non-public route', async () => {
    for (const route of routes.filter((r) => !r.isPublic)) {
      const response = await send(request(testApp.http), route).send({});
      expect({ route: `${route.method} ${route.path}`, status: response.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
      });
    }
  });

  it.each(ROLES)(
    'refuses the %s role every route its permissions lack, and lets it through the others',
    async (role) => {
      const client = await testApp.signIn(role);
      for (const route of routes.filter((r) => !r.isPublic && r.permission)) {
        const permission = route.permission as RoutePermission;
        const allowed = permission === 'signed-in' || roleAllows(role, permission);
        if (route.path === '/api/v1/auth/sign-out') {
          continue; // would end the session the loop uses
        }
        const verb = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
        const response = await client[verb](route.path).send({});
        const label = `${role} ${route.method} ${route.path}`;
        if (allowed) {
          expect({ label, refused: [401, 403].includes(response.status) }).toEqual({
            label,
            refused: false,
          });
        } else {
          expect({ label, status: response.status }).toEqual({ label, status: 403 });
        }
      }
    },
  );
});

describe('sign-in and sessions', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({ SIGN_IN_MAX_FAILURES: '3' });
  });

  afterAll(async () => {
    await testApp.close();
  });

  const agentAccount = DEMO_ACCOUNTS.find((a) => a.role === 'agent')!;

  it('signs in with the right password and sets a strict, HttpOnly session cookie', async () => {
    const response = await request(testApp.http)
      .post('/api/v1/auth/sign-in')
      .send({ email: 'AGENT@demo.cd31.fr', password: agentAccount.password })
      .expect(200);
    const body = response.body as SessionDto;
    expect(body.user.role).toBe('agent');
    const cookies = response.headers['set-cookie'] as unknown as string[];
    const session = cookies.find((c) => c.startsWith('cd31_session='));
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(cookies.find((c) => c.startsWith('XSRF-TOKEN='))).not.toMatch(/HttpOnly/);
  });

  it('marks the cookie Secure outside localhost', async () => {
    const response = await request(testApp.http)
      .post('/api/v1/auth/sign-in')
      .set('Host', 'suivi-chorus.cd31.fr')
      .send({ email: agentAccount.email, password: agentAccount.password })
      .expect(200);
    const cookies = response.headers['set-cookie'] as unknown as string[];
    expect(cookies.find((c) => c.startsWith('cd31_session='))).toMatch(/Secure/);
  });

  it('refuses a wrong password with the same French message as an unknown account', async () => {
    const wrong = await request(testApp.http)
      .post('/api/v1/auth/sign-in')
      .send({ email: 'gestionnaire@demo.cd31.fr', password: 'wrong-password' })
      .expect(401);
    const unknown = await request(testApp.http)
      .post('/api/v1/auth/sign-in')
      .send({ email: 'nobody@demo.cd31.fr', password: 'wrong-password' })
      .expect(401);
    expect((wrong.body as ApiErrorBody).message).toBe('Identifiant ou mot de passe incorrect.');
    expect((unknown.body as ApiErrorBody).message).toBe((wrong.body as ApiErrorBody).message);
  });

  it('locks an account after repeated failures, even with the right password', async () => {
    const admin = DEMO_ACCOUNTS.find((a) => a.role === 'admin')!;
    for (let i = 0; i < 3; i++) {
      await request(testApp.http)
        .post('/api/v1/auth/sign-in')
        .send({ email: admin.email, password: 'nope' })
        .expect(401);
    }
    const locked = await request(testApp.http)
      .post('/api/v1/auth/sign-in')
      .send({ email: admin.email, password: admin.password })
      .expect(429);
    expect((locked.body as ApiErrorBody).message).toMatch(/Trop de tentatives/);
    const audit = await testApp.app
      .get(DataSource)
      .query<
        { outcome: string }[]
      >(`SELECT outcome FROM audit_event WHERE action = 'auth.sign_in' AND actor_email = $1 ORDER BY id`, [admin.email]);
    expect(audit.map((a) => a.outcome)).toEqual(['failure', 'failure', 'failure', 'denied']);
  });

  it('rejects a state-changing request without the CSRF token', async () => {
    const client = await testApp.signIn('agent');
    const refused = await client.agent.post('/api/v1/auth/sign-out').expect(403);
    expect((refused.body as ApiErrorBody).message).toMatch(/CSRF/);
    await client.agent
      .post('/api/v1/auth/sign-out')
      .set('X-XSRF-TOKEN', 'f'.repeat(64))
      .expect(403);
    await client.get('/api/v1/auth/me').expect(200);
  });

  it('ends the session on sign-out', async () => {
    const client = await testApp.signIn('agent');
    const me = (await client.get('/api/v1/auth/me').expect(200)).body as CurrentUserDto;
    expect(me.permissions).toContain('anomalies:triage');
    await client.post('/api/v1/auth/sign-out').expect(204);
    await client.get('/api/v1/auth/me').expect(401);
  });

  it('refuses an idle session and an expired one', async () => {
    const dataSource = testApp.app.get(DataSource);
    const idle = await testApp.signIn('gestionnaire');
    await dataSource.query(`UPDATE user_session SET last_seen_at = now() - interval '2 hours'`);
    await idle.get('/api/v1/budgets').expect(401);

    const expired = await testApp.signIn('gestionnaire');
    await dataSource.query(`UPDATE user_session SET expires_at = now() - interval '1 second'`);
    const response = await expired.get('/api/v1/budgets').expect(401);
    expect((response.body as ApiErrorBody).message).toBe(
      'Session absente ou expirée : reconnectez-vous.',
    );
  });

  it('records sign-ins and sign-outs in the audit trail, which refuses edits', async () => {
    const dataSource = testApp.app.get(DataSource);
    const actions = await dataSource.query<{ action: string }[]>(
      `SELECT DISTINCT action FROM audit_event WHERE action LIKE 'auth.%'`,
    );
    expect(actions.map((a) => a.action).sort()).toEqual(['auth.sign_in', 'auth.sign_out']);
    await expect(dataSource.query(`UPDATE audit_event SET action = 'x'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(dataSource.query(`DELETE FROM audit_event`)).rejects.toThrow(/append-only/);
  });
});

describe('auth settings', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('tells an anonymous visitor about simulator mode and the demo accounts', async () => {
    const response = await request(testApp.http).get('/api/v1/auth/settings').expect(200);
    expect(response.body).toMatchObject({ simulatedData: true, user: null });
    expect((response.body as { demoAccounts: unknown[] }).demoAccounts).toHaveLength(3);
  });

  it('names the signed-in user', async () => {
    const client = await testApp.signIn('gestionnaire');
    const response = await client.get('/api/v1/auth/settings').expect(200);
    expect((response.body as { user: CurrentUserDto }).user.role).toBe('gestionnaire');
  });

  it('shows no demo account with real Chorus Pro credentials', async () => {
    const real = await startTestApp({
      CHORUS_CLIENT_ID: 'real-client',
      CHORUS_CLIENT_SECRET: 'real-secret',
      CHORUS_LOGIN: 'TECH_cd31',
      CHORUS_PASSWORD: 'real-password',
    });
    try {
      const response = await request(real.http).get('/api/v1/auth/settings').expect(200);
      expect(response.body).toMatchObject({ simulatedData: false, demoAccounts: [] });
      await request(real.http)
        .post('/api/v1/auth/sign-in')
        .send({ email: 'admin@demo.cd31.fr', password: 'demo-admin-31' })
        .expect(401);
    } finally {
      await real.close();
    }
  });
});
