import * as fs from 'node:fs/promises';
import { freePort, newDataDir, startProduct } from './support/product';

describe('the product after a crash', () => {
  it('starts again after its process was killed with SIGKILL, keeping the data', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const pgPort = await freePort();
    try {
      const first = await startProduct({ dataDir, port, pgPort });
      const renamed = await fetch(`${first.baseUrl}/api/v1/budgets/61`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ label: 'Pépinières départementales' }),
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
        const budget = (await (await fetch(`${second.baseUrl}/api/v1/budgets/61`)).json()) as {
          label: string;
        };
        expect(budget.label).toBe('Pépinières départementales');
      } finally {
        await second.stop();
      }
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
