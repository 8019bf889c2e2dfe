import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLocalPostgres, type LocalPostgres } from '@cd31/local-postgres';

/**
 * One PostgreSQL server for the whole integration run, chosen in this order:
 * TEST_DATABASE_URL (an external server) → testcontainers when a container runtime answers →
 * the embedded PostgreSQL. Each spec file then creates its own database on it.
 */
interface StartedServer {
  readonly adminUrl: string;
  readonly kind: string;
  stop(): Promise<void>;
}

declare global {
  var __CD31_TEST_SERVER__: StartedServer | undefined;
}

async function startContainer(): Promise<StartedServer | null> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
  } catch {
    return null;
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:16-alpine').start();
  return {
    adminUrl: container.getConnectionUri(),
    kind: 'testcontainers',
    stop: async () => {
      await container.stop();
    },
  };
}

async function startEmbedded(): Promise<StartedServer> {
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cd31-it-'));
  await fs.chmod(workDir, 0o755);
  const server: LocalPostgres = await startLocalPostgres({
    dataDir: path.join(workDir, 'pg'),
    port: 0,
    database: 'postgres',
    persistent: false,
    tuning: 'fast',
  });
  return {
    adminUrl: server.url,
    kind: 'embedded PostgreSQL',
    stop: async () => {
      await server.stop();
      await fs.rm(workDir, { recursive: true, force: true });
    },
  };
}

export default async function globalSetup(): Promise<void> {
  const external = process.env['TEST_DATABASE_URL'];
  const server: StartedServer = external
    ? { adminUrl: external, kind: 'TEST_DATABASE_URL', stop: () => Promise.resolve() }
    : ((await startContainer()) ?? (await startEmbedded()));
  process.env['CD31_TEST_ADMIN_URL'] = server.adminUrl;
  globalThis.__CD31_TEST_SERVER__ = server;
  process.stdout.write(`\nintegration tests on ${server.kind}\n`);
}
