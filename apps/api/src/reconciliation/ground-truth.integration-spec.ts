import type { ChorusSimulator } from '@cd31/chorus-simulator';
import type { AstreImportDto } from '@cd31/contracts';
import {
  ANOMALY_CODES,
  expectedAnomalies,
  writeAstreEngagementsCsv,
  writeAstreFacturesCsv,
  type Dataset,
} from '@cd31/dataset';
import { PassThrough } from 'node:stream';
import { DataSource } from 'typeorm';
import { startTestApp, type SignedInClient, type TestApp } from '../../test/test-app';
import { startTestSimulator, withSimulator } from '../../test/test-simulator';
import { ChorusSyncService } from '../chorus-sync/chorus-sync.service';
import { ReconciliationService } from './reconciliation.service';

async function csv(dataset: Dataset, write: typeof writeAstreFacturesCsv): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  await write(dataset, sink);
  sink.end();
  return Buffer.concat(chunks);
}

/** The generator keys ASTRE rows `astre:<budget>:<idChorus>` or `astre:<budget>:<siret>:<NUMBER>`. */
function subjectOfTruthKey(key: string): string {
  if (key.startsWith('chorus:')) {
    return `F:${key.slice('chorus:'.length)}`;
  }
  const parts = key.split(':');
  return parts.length === 3
    ? `A:${parts[1]}|chorus|${parts[2]}`
    : `A:${parts[1]}|siret|${parts[2]}|${parts.slice(3).join(':')}`;
}

describe('the anomaly engine against the generator’s ground truth', () => {
  let simulator: ChorusSimulator;
  let testApp: TestApp;
  let agent: SignedInClient;

  beforeAll(async () => {
    simulator = await startTestSimulator(3000, 31);
    testApp = await startTestApp({
      env: { CHORUS_BACKFILL_MONTHS: '24' },
      configure: withSimulator(simulator),
    });
    agent = await testApp.signIn('agent');
  });

  afterAll(async () => {
    await testApp.close();
    await simulator.close();
  });

  it('finds every planted anomaly on the invoices where it was planted, and nowhere else', async () => {
    const dataset = simulator.dataset;
    expect((await testApp.app.get(ChorusSyncService).syncAndWait('manual')).status).toBe('success');
    for (const [name, write] of [
      ['astre-engagements.csv', writeAstreEngagementsCsv],
      ['astre-factures.csv', writeAstreFacturesCsv],
    ] as const) {
      const preview = (
        await agent
          .post('/api/v1/astre-imports')
          .set('Content-Type', 'application/octet-stream')
          .set('X-File-Name', name)
          .send(await csv(dataset, write))
          .expect(201)
      ).body as AstreImportDto;
      expect(preview.counts.invalid).toBe(0);
      await agent
        .post(`/api/v1/astre-imports/${preview.id}/confirm`)
        .send({ mode: 'all-or-nothing' })
        .expect(200);
    }
    await testApp.app.get(ReconciliationService).run({ kind: 'all' }, 'test', dataset.now);

    const truth = expectedAnomalies(dataset);
    const rows = await testApp.app
      .get(DataSource)
      .query<
        { code: string; subject_key: string }[]
      >(`SELECT code, subject_key FROM anomaly WHERE state IN ('OUVERTE', 'EN_COURS')`);
    for (const code of ANOMALY_CODES) {
      const expected = [...truth]
        .filter(([, codes]) => codes.has(code))
        .map(([key]) => subjectOfTruthKey(key))
        .sort();
      const found = rows
        .filter((row) => row.code === code)
        .map((row) => row.subject_key)
        .sort();
      expect({
        code,
        missing: expected.filter((s) => !found.includes(s)),
        unexpected: found.filter((s) => !expected.includes(s)),
      }).toEqual({
        code,
        missing: [],
        unexpected: [],
      });
      expect({ code, planted: expected.length > 0 }).toEqual({ code, planted: true });
    }
  });
});
