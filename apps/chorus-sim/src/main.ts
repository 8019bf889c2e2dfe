/**
 * The Chorus Pro (PISTE) simulator as a process: generates the dataset, optionally writes the
 * matching ASTRE exports, serves OAuth + `/cpro/...` + `/__admin/`, stops on SIGINT/SIGTERM.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { startChorusSimulator } from '@cd31/chorus-simulator';
import {
  MINUTE_MS,
  generateDataset,
  writeAstreEngagementsCsv,
  writeAstreFacturesCsv,
  type Dataset,
  type TextSink,
} from '@cd31/dataset';
import { simConfigFromEnv } from './config';

async function writeFile(
  file: string,
  write: (dataset: Dataset, sink: TextSink) => Promise<unknown>,
  dataset: Dataset,
): Promise<void> {
  const stream = createWriteStream(file, { encoding: 'utf8' });
  await write(dataset, stream);
  stream.end();
  await finished(stream);
}

async function main(): Promise<void> {
  const started = performance.now();
  const config = simConfigFromEnv(process.env);
  const now = config.now ?? new Date(Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS);
  const dataset = generateDataset({ seed: config.seed, invoiceCount: config.invoiceCount, now });
  const astreFiles: string[] = [];
  if (config.astreDir) {
    await mkdir(config.astreDir, { recursive: true });
    const factures = path.resolve(config.astreDir, 'astre-factures.csv');
    const engagements = path.resolve(config.astreDir, 'astre-engagements.csv');
    await writeFile(factures, writeAstreFacturesCsv, dataset);
    await writeFile(engagements, writeAstreEngagementsCsv, dataset);
    astreFiles.push(factures, engagements);
  }
  const sim = await startChorusSimulator({
    dataset,
    port: config.port,
    host: config.host,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    login: config.login,
    password: config.password,
    clockSpeed: config.clockSpeed,
  });
  console.log(
    JSON.stringify({
      level: 'info',
      time: new Date().toISOString(),
      msg: 'chorus-sim listening',
      url: sim.url,
      oauthUrl: sim.oauthUrl,
      apiUrl: sim.apiUrl,
      adminUrl: sim.adminUrl,
      port: sim.port,
      seed: dataset.seed,
      invoices: dataset.invoiceCount,
      now: dataset.now.toISOString(),
      clockSpeed: config.clockSpeed,
      clientId: sim.clientId,
      login: sim.login,
      astreFiles,
      startupMs: Math.round(performance.now() - started),
    }),
  );

  let stopping = false;
  const stop = (): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    sim.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (process.env['SIM_EXIT_WITH_PARENT'] === '1') {
    // Started by the API with a pipe on stdin: when the API dies (even by SIGKILL) the pipe
    // closes, and the simulator goes with it instead of holding on as an orphan.
    process.stdin.on('end', stop);
    process.stdin.on('close', stop);
    process.stdin.resume();
  }
}

main().catch((error: unknown) => {
  console.error(
    JSON.stringify({
      level: 'error',
      time: new Date().toISOString(),
      msg: error instanceof Error ? error.message : String(error),
    }),
  );
  process.exit(1);
});
