import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '../src/config/app-config';
import { createHttpApp } from '../src/http-app';
import { createTestDatabase, type TestDatabase } from './test-database';

/** The real HTTP application on a freshly migrated database of its own. */
export interface TestApp {
  readonly app: NestExpressApplication;
  readonly db: TestDatabase;
  close(): Promise<void>;
}

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase({ migrated: true });
  const config = loadConfig({ LOG_LEVEL: 'silent', DASHBOARD_DIR: '/nonexistent', ...env });
  const app = await createHttpApp(config, db.url);
  await app.init();
  return {
    app,
    db,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
