import * as fs from 'node:fs/promises';
import { DEMO, signInApi } from './support/api-client';
import { freePort } from '@cd31/local-postgres';
import { newDataDir, startProduct } from './support/product';

describe('the product after a crash', () => {
  it('starts again after its process was killed with SIGKILL, keeping the data', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const pgPort = await freePort();
    try {
      const first = await startProduct({ dataDir, port, pgPort });
      const admin = await signInApi(first.baseUrl, DEMO.admin.email, DEMO.admin.password);
      const renamed = await admin.request('PATCH', '/api/v1/budgets/61', {
        label: 'Pépinières départementales',
      });
      expect(renamed.status).toBe(200);
      await first.kill();

      // PostgreSQL survived its parent and still holds the port and the data directory.
      const second = await startProduct({ dataDir, port, pgPort });
      try {
        const health = (await (await fetch(`${second.baseUrl}/api/v1/health`)).json()) as {
          details: { database: { status: string } };
        };
        expect(health.details.database.status).toBe('up');
        const manager = await signInApi(
          second.baseUrl,
          DEMO.gestionnaire.email,
          DEMO.gestionnaire.password,
        );
        const budget = (await (await manager.request('GET', '/api/v1/budgets/61')).json()) as {
          label: string;
        };
        expect(budget.label).toBe('Pépinières départementales');
      } finally {
        await second.stop();
      }
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    }
  });
});
