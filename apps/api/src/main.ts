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
  let stopping = false;

  const shutdown = async (signal: string, app?: { close(): Promise<void> }): Promise<void> => {
    if (stopping) {
      return;
    }
    stopping = true;
    logLine('info', `${signal} received: shutting down`);
    try {
      await app?.close();
    } finally {
      await simulator?.stop();
      await database?.release();
      process.exit(0);
    }
  };
  const onSignal = (signal: NodeJS.Signals) => void shutdown(signal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

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

  const app = await createHttpApp(config, database.url);
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  const onAppSignal = (signal: NodeJS.Signals) => void shutdown(signal, app);
  process.once('SIGINT', onAppSignal);
  process.once('SIGTERM', onAppSignal);

  await app.listen(config.port, config.host);
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
