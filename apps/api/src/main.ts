import 'reflect-metadata';
import * as path from 'node:path';
import { LocalPostgresError } from '@cd31/local-postgres';
import { ConfigError, loadConfig } from './config/app-config';
import { startSimulatorProcess, type SimulatorProcess } from './chorus-sync/simulator-process';
import { selectDatabase, type SelectedDatabase } from './database/database-selection';
import { migrate } from './database/migrate';
import { createHttpApp } from './http-app';

/** One JSON line on stdout, like the application logs (pino) once Nest is up. */
function logLine(level: 'info' | 'error', msg: string): void {
  const levels = { info: 30, error: 50 } as const;
  process.stdout.write(
    `${JSON.stringify({ level: levels[level], time: Date.now(), service: 'api', msg })}\n`,
  );
}

async function bootstrap(): Promise<void> {
  const startedAt = Date.now();
  let config = loadConfig(process.env);
  let database: SelectedDatabase | null = null;
  let simulator: SimulatorProcess | null = null;
  let signals = 0;
  let app: { close(): Promise<void> } | null = null;

  // `npm start` and `timeout` forward the signal the terminal already sent to the whole group: a
  // second one must not kill the process half-way (PostgreSQL would be left running). A third
  // one is someone insisting: stop at once (the next start recovers the orphan server).
  const shutdown = async (signal: string): Promise<void> => {
    signals += 1;
    if (signals === 3) {
      logLine('error', `${signal} received again: exiting without a clean stop`);
      process.exit(1);
    }
    if (signals > 1) {
      return;
    }
    logLine('info', `${signal} received: shutting down`);
    try {
      await app?.close();
    } finally {
      await simulator?.stop();
      await database?.release();
      process.exit(0);
    }
  };
  process.on('SIGINT', (signal) => void shutdown(signal));
  process.on('SIGTERM', (signal) => void shutdown(signal));

  database = await selectDatabase(config.database, (line) => logLine('info', line));
  const applied = await migrate(database.url);
  logLine(
    'info',
    applied.length ? `migrations applied: ${applied.join(', ')}` : 'schema up to date',
  );

  if (config.simulatorMode) {
    simulator = await startSimulatorProcess({
      seed: config.chorus.simulator.seed,
      invoices: config.chorus.simulator.invoices,
      dataDir: path.dirname(config.database.embedded.dataDir),
      log: (line) => logLine('info', line),
    });
    config = {
      ...config,
      chorus: {
        ...config.chorus,
        connection: simulator.connection,
        simulator: { ...config.chorus.simulator, astreDir: simulator.astreDir },
      },
    };
  }

  const httpApp = await createHttpApp(config, database.url);
  app = httpApp;
  await httpApp.listen(config.port, config.host);
  const shownHost =
    config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host;
  logLine(
    'info',
    `CD31 Chorus Pro monitor ready on http://${shownHost}:${config.port} in ${Date.now() - startedAt} ms` +
      (database.embedded ? ' (embedded PostgreSQL)' : ''),
  );
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof LocalPostgresError) {
    logLine('error', error.message);
  } else {
    logLine('error', error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
  process.exit(1);
});
