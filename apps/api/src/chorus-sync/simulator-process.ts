import type { ChorusConfig } from '@cd31/chorus-client';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

/** The bundled Chorus Pro simulator, run as a child process when no credentials are configured. */
export interface SimulatorProcess {
  readonly connection: ChorusConfig;
  /** Where it wrote the matching ASTRE exports. */
  readonly astreDir: string;
  stop(): Promise<void>;
}

export interface SimulatorProcessOptions {
  readonly seed: number;
  readonly invoices: number;
  readonly dataDir: string;
  readonly log: (line: string) => void;
}

/** dist/apps/api/main.js → dist/apps/chorus-sim/main.js */
function simulatorScript(): string {
  const candidates = [
    path.resolve(__dirname, '..', 'chorus-sim', 'main.js'),
    path.resolve(process.cwd(), 'dist', 'apps', 'chorus-sim', 'main.js'),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      'The Chorus Pro simulator is not built (dist/apps/chorus-sim/main.js): run "npm start", or set CHORUS_CLIENT_ID and the other CHORUS_* variables.',
    );
  }
  return found;
}

/**
 * Starts the simulator on a free port with credentials made up for this run, and waits for the
 * line in which it announces its URLs. Its stdin is a pipe from us: it exits when we die, even by
 * SIGKILL, so no orphan simulator outlives the API.
 */
export function startSimulatorProcess(options: SimulatorProcessOptions): Promise<SimulatorProcess> {
  const credentials = {
    clientId: `sim-${randomBytes(6).toString('hex')}`,
    clientSecret: randomBytes(24).toString('hex'),
    login: 'TECH_CD31_SIMULATEUR',
    password: randomBytes(18).toString('hex'),
  };
  const astreDir = path.join(options.dataDir, 'simulator');
  const child = spawn(process.execPath, [simulatorScript()], {
    env: {
      ...process.env,
      SIM_PORT: '0',
      SIM_SEED: String(options.seed),
      SIM_INVOICES: String(options.invoices),
      SIM_ASTRE_DIR: astreDir,
      SIM_CLIENT_ID: credentials.clientId,
      SIM_CLIENT_SECRET: credentials.clientSecret,
      SIM_LOGIN: credentials.login,
      SIM_PASSWORD: credentials.password,
      SIM_EXIT_WITH_PARENT: '1',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return new Promise((resolve, reject) => {
    let announced = false;
    const stderr: string[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(
        new Error(
          `The Chorus Pro simulator did not start within 120 s: ${stderr.join('').slice(-500)}`,
        ),
      );
    }, 120_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      if (!announced) {
        clearTimeout(timer);
        reject(
          new Error(
            `The Chorus Pro simulator exited (${String(code)}): ${stderr.join('').slice(-500)}`,
          ),
        );
      }
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      let message: { oauthUrl?: unknown; apiUrl?: unknown } | null = null;
      try {
        message = JSON.parse(line) as { oauthUrl?: unknown; apiUrl?: unknown };
      } catch {
        options.log(line);
        return;
      }
      if (
        !announced &&
        typeof message.oauthUrl === 'string' &&
        typeof message.apiUrl === 'string'
      ) {
        announced = true;
        clearTimeout(timer);
        options.log(`Chorus Pro simulator ready at ${message.apiUrl}`);
        resolve({
          connection: {
            oauthUrl: message.oauthUrl,
            apiUrl: message.apiUrl,
            timeoutMs: 30_000,
            ...credentials,
          },
          astreDir,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) {
              child.kill('SIGTERM');
            }
            await exited;
          },
        });
      }
    });
  });
}
