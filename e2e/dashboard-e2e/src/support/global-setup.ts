import * as fs from 'node:fs/promises';
import { DEMO, signInApi } from './api-client';
import { newDataDir, startProduct, type RunningProduct } from './product';

declare global {
  var __CD31_E2E_PRODUCT__: { product: RunningProduct; dataDir: string } | undefined;
}

/**
 * One product for the journeys, started the way the README says (`npm start`, embedded database,
 * the simulator and its generated ASTRE files), ready once the first sync and the demo import ran.
 */
export default async function globalSetup(): Promise<void> {
  const dataDir = await newDataDir();
  const product = await startProduct({ dataDir });
  globalThis.__CD31_E2E_PRODUCT__ = { product, dataDir };
  process.env['CD31_E2E_BASE_URL'] = product.baseUrl;

  const admin = await signInApi(product.baseUrl, DEMO.admin.email, DEMO.admin.password);
  const deadline = Date.now() + 180_000;
  for (;;) {
    const imports = (await (await admin.request('GET', '/api/v1/astre-imports')).json()) as {
      status: string;
    }[];
    if (imports.filter((i) => i.status === 'confirmed').length >= 2) {
      break;
    }
    if (Date.now() > deadline) {
      throw new Error(`the demo data were not ready within 180 s:\n${product.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function stopSharedProduct(): Promise<void> {
  const shared = globalThis.__CD31_E2E_PRODUCT__;
  if (shared) {
    await shared.product.stop();
    await fs.rm(shared.dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}
