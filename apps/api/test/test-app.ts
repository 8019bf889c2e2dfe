import type { Role } from '@cd31/domain';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import type { App } from 'supertest/types';
import { DEMO_ACCOUNTS } from '../src/auth/demo-accounts';
import { loadConfig, type AppConfig } from '../src/config/app-config';
import { createHttpApp } from '../src/http-app';
import { createTestDatabase, type TestDatabase } from './test-database';

/** The real HTTP application on a freshly migrated database of its own (simulator mode). */
export interface TestApp {
  readonly app: NestExpressApplication;
  readonly http: App;
  readonly db: TestDatabase;
  /** A cookie-keeping client signed in with the demo account of that role. */
  signIn(role: Role): Promise<SignedInClient>;
  close(): Promise<void>;
}

export interface SignedInClient {
  readonly agent: TestAgent;
  readonly csrfToken: string;
  get(url: string): request.Test;
  post(url: string): request.Test;
  patch(url: string): request.Test;
  put(url: string): request.Test;
  delete(url: string): request.Test;
}

export interface TestAppOptions {
  readonly env?: Record<string, string>;
  /** Changes the loaded configuration (e.g. to point the sync at an in-process simulator). */
  readonly configure?: (config: AppConfig) => AppConfig;
  /** Another instance on the same database (multi-replica tests). */
  readonly db?: TestDatabase;
}

export async function startTestApp(
  options: TestAppOptions | Record<string, string> = {},
): Promise<TestApp> {
  const {
    env = {},
    configure = (c: AppConfig) => c,
    db: sharedDb,
  } = isOptions(options) ? options : { env: options };
  const db = sharedDb ?? (await createTestDatabase({ migrated: true }));
  const config = configure(
    loadConfig({
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
      DASHBOARD_DIR: '/nonexistent',
      CHORUS_SYNC_CRON: 'off',
      CHORUS_SYNC_ON_START: 'false',
      RECONCILIATION_CRON: 'off',
      ...env,
    }),
  );
  const app = await createHttpApp(config, db.url);
  await app.init();
  const http = app.getHttpServer() as App;
  return {
    app,
    http,
    db,
    signIn: (role) => signIn(http, role),
    close: async () => {
      await app.close();
      if (!sharedDb) {
        await db.drop();
      }
    },
  };
}

export async function signIn(http: App, role: Role): Promise<SignedInClient> {
  const account = DEMO_ACCOUNTS.find((a) => a.role === role);
  if (!account) {
    throw new Error(`no demo account for ${role}`);
  }
  const agent = request.agent(http);
  const response = await agent
    .post('/api/v1/auth/sign-in')
    .send({ email: account.email, password: account.password })
    .expect(200);
  const csrfToken = (response.body as { csrfToken: string }).csrfToken;
  const withCsrf = (test: request.Test): request.Test => test.set('X-XSRF-TOKEN', csrfToken);
  return {
    agent,
    csrfToken,
    get: (url) => agent.get(url),
    post: (url) => withCsrf(agent.post(url)),
    patch: (url) => withCsrf(agent.patch(url)),
    put: (url) => withCsrf(agent.put(url)),
    delete: (url) => withCsrf(agent.delete(url)),
  };
}

function isOptions(value: TestAppOptions | Record<string, string>): value is TestAppOptions {
  return 'env' in value || 'configure' in value || 'db' in value;
}
