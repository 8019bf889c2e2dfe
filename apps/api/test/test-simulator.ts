import { startChorusSimulator, type ChorusSimulator } from '@cd31/chorus-simulator';
import { expectedAnomalies, type Dataset } from '@cd31/dataset';
import type { AppConfig } from '../src/config/app-config';

/** The bundled simulator over real sockets, its clock at the real now (the sync windows use it). */
export async function startTestSimulator(invoiceCount: number, seed = 7): Promise<ChorusSimulator> {
  return startChorusSimulator({
    datasetOptions: { seed, invoiceCount, now: new Date(Math.floor(Date.now() / 60_000) * 60_000) },
    tokenTtlSeconds: 3600,
  });
}

/** Points the application's Chorus Pro connection at the simulator, with fast retries. */
export function withSimulator(simulator: ChorusSimulator): (config: AppConfig) => AppConfig {
  return (config) => ({
    ...config,
    chorus: {
      ...config.chorus,
      connection: {
        oauthUrl: simulator.oauthUrl,
        apiUrl: simulator.apiUrl,
        clientId: simulator.clientId,
        clientSecret: simulator.clientSecret,
        login: simulator.login,
        password: simulator.password,
        timeoutMs: 5_000,
      },
      retryAttempts: 8,
      retryBaseDelayMs: 5,
    },
  });
}

/** The idFacture of every invoice a recipient can see (reached mise à disposition) at the dataset's now. */
export function visibleInvoiceIds(dataset: Dataset): number[] {
  return [...expectedAnomalies(dataset).keys()]
    .filter((key) => key.startsWith('chorus:'))
    .map((key) => Number(key.slice('chorus:'.length)))
    .sort((a, b) => a - b);
}
