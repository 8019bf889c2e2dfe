import { freePort } from '@cd31/local-postgres';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

const WORKSPACE_ROOT = path.resolve(__dirname, '../../../..');

/** The product started with `npm start`, on a free port and a data folder of its own. */
export interface RunningProduct {
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly process: ChildProcess;
  readonly output: () => string;
  /** Ctrl-C equivalent: SIGTERM to the whole process group, then wait. */
  stop(): Promise<void>;
  /** What `kill -9` does: the Node process dies, PostgreSQL is orphaned. */
  kill(): Promise<void>;
}

export async function newDataDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cd31-e2e-'));
  await fs.chmod(dir, 0o755);
  return dir;
}

export async function startProduct(options: {
  dataDir: string;
  port?: number;
  pgPort?: number;
  env?: Record<string, string>;
}): Promise<RunningProduct> {
  const port = options.port ?? (await freePort());
  const pgPort = options.pgPort ?? (await freePort());
  let output = '';
  const child = spawn('npm', ['start', '--silent'], {
    cwd: WORKSPACE_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: options.dataDir,
      EMBEDDED_POSTGRES_PORT: String(pgPort),
      DATABASE_URL: '',
      ...options.env,
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const baseUrl = `http://localhost:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const response = await fetch(`${baseUrl}/api/v1/health`);
      if (response.ok) {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`the product did not answer within 180 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-(child.pid ?? 0), signal);
    } catch {
      // already gone
    }
  };
  return {
    baseUrl,
    dataDir: options.dataDir,
    process: child,
    output: () => output,
    async stop() {
      signalGroup('SIGTERM');
      await exited;
      // npm may exit before the API has stopped PostgreSQL: wait for the server to be gone (it
      // removes its postmaster.pid last), so that the data directory can be removed.
      await waitForServerGone(path.join(options.dataDir, 'postgres'));
    },
    async kill() {
      // Only the Node process (and npm's shell above it), not PostgreSQL: that is what a crash leaves.
      const nodePid = await findChildNode(child.pid ?? 0);
      signalGroup('SIGKILL');
      if (nodePid) {
        try {
          process.kill(nodePid, 'SIGKILL');
        } catch {
          // gone with the group
        }
      }
      await exited;
    },
  };
}

async function waitForServerGone(pgDataDir: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const pidFile = await fs
      .readFile(path.join(pgDataDir, 'postmaster.pid'), 'utf8')
      .catch(() => null);
    const pid = Number(pidFile?.split('\n')[0]);
    if (!pidFile || !Number.isInteger(pid) || !processExists(pid)) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function findChildNode(rootPid: number): Promise<number | null> {
  const entries = await fs.readdir('/proc').catch(() => [] as string[]);
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const cmdline = await fs.readFile(`/proc/${entry}/cmdline`, 'utf8');
      const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8');
      const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgid === rootPid && cmdline.includes('dist/apps/api/main.js')) {
        return Number(entry);
      }
    } catch {
      // process vanished
    }
  }
  return null;
}
