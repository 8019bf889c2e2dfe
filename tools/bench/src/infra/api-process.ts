import type { ChorusSimulator } from '@cd31/chorus-simulator';
import { freePort } from '@cd31/local-postgres';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { sleep } from '../util';

/**
 * The real built API (`node dist/apps/api/main.js`) as a black box: its own process, its own
 * environment, reached over HTTP only.
 */
export interface ApiStartOptions {
  readonly workspaceRoot: string;
  readonly databaseUrl: string;
  /** The in-process simulator the API's Chorus Pro connection points at (real-credentials mode). */
  readonly simulator: ChorusSimulator;
  /** Extra variables (CHORUS_HISTORY_CALLS_PER_BUDGET…). */
  readonly env?: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
}

/** Variables of the caller's shell that must not leak into the API under test. */
const STRIPPED =
  /^(DATABASE_|CHORUS_|SIM_|PORT$|HOST$|LOG_LEVEL$|RECONCILIATION_|DATA_DIR$|EMBEDDED_)/;

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!STRIPPED.test(key)) {
      env[key] = value;
    }
  }
  return env;
}

export function apiScript(workspaceRoot: string, name: 'main' | 'cli'): string {
  const script = path.join(workspaceRoot, 'dist', 'apps', 'api', `${name}.js`);
  if (!existsSync(script)) {
    throw new Error(`${script} is missing: build the API first (npx nx run api:build).`);
  }
  return script;
}

export class ApiProcess {
  private readonly output: string[] = [];
  private readonly exited: Promise<void>;

  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    log: (line: string) => void,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => {
      if (!this.stopping) {
        log(
          `the API (pid ${String(child.pid)}) exited on its own: ${signal ?? `exit ${String(code)}`}\n${this.tail()}`,
        );
      }
    });
    const keep = (chunk: Buffer): void => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) {
        this.output.splice(0, this.output.length - 200);
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get exitDescription(): string {
    return this.child.signalCode ?? `exit ${String(this.child.exitCode)}`;
  }

  get pid(): number {
    const pid = this.child.pid;
    if (pid === undefined) {
      throw new Error('The API process has no pid');
    }
    return pid;
  }

  /** The last lines the API printed (its logs are at LOG_LEVEL=warn). */
  tail(chars = 2000): string {
    return this.output.join('').slice(-chars);
  }

  static async start(options: ApiStartOptions): Promise<ApiProcess> {
    const port = await freePort();
    const sim = options.simulator;
    // BENCH_API_NODE_ARGS: Node options for the API only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p".
    const nodeArgs = (process.env['BENCH_API_NODE_ARGS'] ?? '').split(/\s+/).filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, apiScript(options.workspaceRoot, 'main')], {
      cwd: options.workspaceRoot,
      env: {
        ...baseEnv(),
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        DATABASE_URL: options.databaseUrl,
        CHORUS_CLIENT_ID: sim.clientId,
        CHORUS_CLIENT_SECRET: sim.clientSecret,
        CHORUS_LOGIN: sim.login,
        CHORUS_PASSWORD: sim.password,
        CHORUS_OAUTH_URL: sim.oauthUrl,
        CHORUS_API_URL: sim.apiUrl,
        CHORUS_SYNC_ON_START: 'false',
        CHORUS_SYNC_CRON: 'off',
        RECONCILIATION_CRON: 'off',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const api = new ApiProcess(child, `http://127.0.0.1:${port}`, options.log);
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`The API exited during start: ${api.tail()}`);
      }
      if (Date.now() > deadline) {
        await api.stop();
        throw new Error(`The API did not answer within 120 s: ${api.tail()}`);
      }
      if (await api.healthy()) {
        options.log(`API ready on ${api.baseUrl} (pid ${api.pid})`);
        return api;
      }
      await sleep(200);
    }
  }

  private async healthy(): Promise<boolean> {
    try {
      const response = await fetch(`${this.baseUrl}/api/v1/health`, {
        signal: AbortSignal.timeout(2000),
      });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }

  /** SIGTERM (the API closes Nest and its pool), SIGKILL after 30 s. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return;
    }
    this.child.kill('SIGTERM');
    const killed = await Promise.race([
      this.exited.then(() => false),
      sleep(30_000).then(() => true),
    ]);
    if (killed) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** `node dist/apps/api/cli.js <args>` against a database; resolves with its output. */
export function runApiCli(
  workspaceRoot: string,
  databaseUrl: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [apiScript(workspaceRoot, 'cli'), ...args], {
      cwd: workspaceRoot,
      env: { ...baseEnv(), DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(output.trim())
        : reject(new Error(`cli ${args[0] ?? ''} failed (exit ${String(code)}): ${output.trim()}`)),
    );
  });
}
