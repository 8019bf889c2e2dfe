import type {
  AnomalyBulkUpdateResultDto,
  AnomalyCountsDto,
  AnomalyDetailDto,
  AnomalyPageDto,
  ApiErrorBody,
} from '@cd31/contracts';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { startTestApp, type SignedInClient, type TestApp } from '../../test/test-app';
import { ReconciliationService } from '../reconciliation/reconciliation.service';

const NOW = new Date('2025-03-12T11:00:00Z');

describe('anomaly list and triage', () => {
  let testApp: TestApp;
  let agent: SignedInClient;
  let ids: number[];

  beforeAll(async () => {
    testApp = await startTestApp();
    agent = await testApp.signIn('agent');
    const db = testApp.app.get(DataSource);
    await db.query(
      `INSERT INTO budget_sync_state (budget_id, watermark, backfill_from) SELECT id, '2024-01-01', '2024-01-01' FROM budget`,
    );
    // Five invoices stuck at mise à disposition for 10 days, never downloaded, on budgets 62 and 01.
    for (let i = 1; i <= 5; i++) {
      await db.query(
        `INSERT INTO chorus_invoice (id_facture, budget_id, numero_facture, code_fournisseur, designation_fournisseur,
            code_service_executant, montant_ttc, statut, numero_bon_commande, date_heure_etat_courant, first_mad_at)
         SELECT $1, b.id, $2, '73282932000074', $3, NULL, $4, 'MISE_A_DISPOSITION', 'CP2025/X1/1', $5, $5
           FROM budget b WHERE b.code = $6`,
        [
          i,
          `F-${i}`,
          i === 3 ? 'Élagage Carrère' : 'Laboratoire Sud',
          `${i}00.00`,
          new Date('2025-03-02T10:00:00Z'),
          i <= 3 ? '62' : '01',
        ],
      );
    }
    await testApp.app.get(ReconciliationService).run({ kind: 'all' }, 'test', NOW);
    const page = (
      await agent
        .get('/api/v1/anomalies?code=MAD_NON_INTEGREE&sort=invoiceNumber&dir=asc')
        .expect(200)
    ).body as AnomalyPageDto;
    ids = page.rows.map((r) => r.id);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('filters, sorts and pages on the server', async () => {
    expect(ids).toHaveLength(5);
    const page = (
      await agent
        .get('/api/v1/anomalies?code=MAD_NON_INTEGREE&budget=62&sort=amountTtc&dir=desc&limit=2')
        .expect(200)
    ).body as AnomalyPageDto;
    expect(page.total).toBe(3);
    expect(page.rows.map((r) => r.invoiceNumber)).toEqual(['F-3', 'F-2']);
    const search = (await agent.get('/api/v1/anomalies?q=carr%C3%A8re').expect(200))
      .body as AnomalyPageDto;
    expect(new Set(search.rows.map((r) => r.invoiceNumber))).toEqual(new Set(['F-3']));
    const counts = (await agent.get('/api/v1/anomalies/counts?budget=01').expect(200))
      .body as AnomalyCountsDto;
    expect(counts.byBudget).toEqual([{ budgetCode: '01', count: counts.total }]);
    await agent.get('/api/v1/anomalies?sort=nope').expect(400);

    // Later blocks of the grid: no count for a full page, the end of a short one is the total.
    const base = '/api/v1/anomalies?code=MAD_NON_INTEGREE&budget=62&sort=amountTtc&dir=desc';
    const full = (await agent.get(`${base}&offset=1&limit=1&withTotal=false`).expect(200))
      .body as AnomalyPageDto;
    expect(full).toMatchObject({ total: null, rows: [{ invoiceNumber: 'F-2' }] });
    const last = (await agent.get(`${base}&offset=2&limit=5&withTotal=false`).expect(200))
      .body as AnomalyPageDto;
    expect(last.total).toBe(3);
    await agent.get(`${base}&withTotal=peut-etre`).expect(400);

    // The supplier filter: a part of the name, or the SIRET.
    const byName = (await agent.get('/api/v1/anomalies?supplier=carr%C3%A8re').expect(200))
      .body as AnomalyPageDto;
    expect(byName.rows.length).toBeGreaterThan(0);
    expect(byName.rows.every((r) => /carrère/i.test(r.supplierName ?? ''))).toBe(true);
  });

  it('assigns an open anomaly to the caller, which puts it in progress, and records a note and the history', async () => {
    const id = ids[0];
    const detail = (
      await agent
        .patch(`/api/v1/anomalies/${id}`)
        .send({ assigneeId: 'me', comment: 'Je relance ASTRE.' })
        .expect(200)
    ).body as AnomalyDetailDto;
    expect(detail).toMatchObject({
      state: 'EN_COURS',
      assignee: { displayName: 'Agnès Martin (agent SIF)' },
    });
    expect(detail.notes.map((n) => n.text)).toEqual(['Je relance ASTRE.']);
    expect(detail.history.map((h) => h.kind)).toEqual(['detected', 'state', 'assigned', 'note']);
    const mine = (await agent.get('/api/v1/anomalies?assignee=me').expect(200))
      .body as AnomalyPageDto;
    expect(mine.rows.map((r) => r.id)).toEqual([id]);
  });

  it('refuses a transition the lifecycle does not allow, and ignoring without a reason', async () => {
    const refused = await agent
      .patch(`/api/v1/anomalies/${ids[1]}`)
      .send({ state: 'IGNOREE' })
      .expect(400);
    expect((refused.body as ApiErrorBody).message).toBe(
      'Indiquez pourquoi cette anomalie est ignorée.',
    );
    await agent
      .patch(`/api/v1/anomalies/${ids[1]}`)
      .send({ state: 'IGNOREE', comment: 'Facture test.' })
      .expect(200);
    const back = await agent
      .patch(`/api/v1/anomalies/${ids[1]}`)
      .send({ state: 'EN_COURS' })
      .expect(400);
    expect((back.body as ApiErrorBody).message).toMatch(/ne peut pas passer/);
  });

  it('changes several anomalies at once and says which ones it refused', async () => {
    const result = (
      await agent
        .post('/api/v1/anomalies/bulk')
        .send({ ids: [ids[1], ids[2], ids[3]], state: 'RESOLUE' })
        .expect(200)
    ).body as AnomalyBulkUpdateResultDto;
    expect(result.updated).toBe(2);
    expect(result.refused.map((r) => r.id)).toEqual([ids[1]]);
  });

  it('adds notes, and keeps a gestionnaire to reading', async () => {
    await agent
      .post(`/api/v1/anomalies/${ids[4]}/notes`)
      .send({ text: '  Appel au service le 12/03.  ' })
      .expect(201);
    const manager = await testApp.signIn('gestionnaire');
    const detail = (await manager.get(`/api/v1/anomalies/${ids[4]}`).expect(200))
      .body as AnomalyDetailDto;
    expect(detail.notes.map((n) => n.text)).toEqual(['Appel au service le 12/03.']);
    await manager.patch(`/api/v1/anomalies/${ids[4]}`).send({ assigneeId: 'me' }).expect(403);
  });

  it('keeps people’s triage through a recompute', async () => {
    await testApp.app.get(ReconciliationService).run({ kind: 'all' }, 'test', NOW);
    const detail = (await agent.get(`/api/v1/anomalies/${ids[0]}`).expect(200))
      .body as AnomalyDetailDto;
    expect(detail).toMatchObject({ state: 'EN_COURS', notesCount: 1 });
    expect(detail.assignee?.displayName).toBe('Agnès Martin (agent SIF)');
  });
  it('counts from the per-group sums what counting the rows gives, through triage and recomputes', async () => {
    const db = testApp.app.get(DataSource);
    const fromRows = (): Promise<unknown[]> =>
      db.query(
        `SELECT state, code, severity, budget_code, assignee_id, count(*)::int AS n FROM anomaly
          GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
      );
    const fromCounts = (): Promise<unknown[]> =>
      db.query(
        `SELECT state, code, severity, budget_code, assignee_id, sum(n)::int AS n FROM anomaly_count
          GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5`,
      );
    expect(await fromCounts()).toEqual(await fromRows());

    // Triage moves an anomaly between groups; a deletion and a recompute change others.
    await agent.patch(`/api/v1/anomalies/${ids[1]}`).send({ assigneeId: 'me' }).expect(200);
    await agent
      .post('/api/v1/anomalies/bulk')
      .send({ ids: [ids[2]], state: 'IGNOREE', comment: 'Doublon connu du service.' })
      .expect(200);
    expect(await fromCounts()).toEqual(await fromRows());
    await db.query(`UPDATE chorus_invoice SET statut = 'MANDATEE' WHERE id_facture = 5`);
    await testApp.app.get(ReconciliationService).run({ kind: 'all' }, 'test', NOW);
    expect(await fromCounts()).toEqual(await fromRows());

    // The list's total and the counts endpoint, by sums and by rows, agree.
    const page = (await agent.get('/api/v1/anomalies?budget=62&limit=1').expect(200))
      .body as AnomalyPageDto;
    const [rows] = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM anomaly WHERE budget_code = '62' AND state IN ('OUVERTE', 'EN_COURS')`,
    );
    expect(page.total).toBe(rows?.n);
    const byRows = (await agent.get('/api/v1/anomalies/counts?minAmount=0').expect(200))
      .body as AnomalyCountsDto;
    const bySums = (await agent.get('/api/v1/anomalies/counts').expect(200))
      .body as AnomalyCountsDto;
    expect(bySums.total).toBe(byRows.total);
    expect([...bySums.byCode].sort((a, b) => a.code.localeCompare(b.code))).toEqual(
      [...byRows.byCode].sort((a, b) => a.code.localeCompare(b.code)),
    );
  });
  it('never makes a triage wait on another transaction that changed the same counts', async () => {
    const db = testApp.app.get(DataSource);
    // Two anomalies of one group (state, code, severity, budget, assignee): the same counts.
    const [first, second] = await db.query<{ id: string }[]>(
      `SELECT a.id FROM anomaly a
         JOIN (SELECT state, code, severity, budget_code FROM anomaly WHERE assignee_id IS NULL
                GROUP BY 1, 2, 3, 4 HAVING count(*) > 1 LIMIT 1) g USING (state, code, severity, budget_code)
        WHERE a.assignee_id IS NULL ORDER BY a.id LIMIT 2`,
    );
    expect(second).toBeDefined();
    const long = new Client({ connectionString: testApp.db.url });
    await long.connect();
    try {
      // A long transaction (a reconciliation, say) changes an anomaly of a group and holds on.
      await long.query('BEGIN');
      await long.query(`UPDATE anomaly SET severity = 'MINEURE' WHERE id = $1`, [first?.id]);
      // Meanwhile, an anomaly of the same group changes too: it must not wait for the other.
      const started = Date.now();
      await db.transaction(async (manager) => {
        await manager.query(`SET LOCAL lock_timeout = '2s'`);
        await manager.query(`UPDATE anomaly SET severity = 'MINEURE' WHERE id = $1`, [second?.id]);
      });
      expect(Date.now() - started).toBeLessThan(2000);
      await long.query('ROLLBACK');
    } finally {
      await long.end();
    }
    const [rows] = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM anomaly WHERE severity = 'MINEURE'`,
    );
    const [sums] = await db.query<{ n: number }[]>(
      `SELECT coalesce(sum(n), 0)::int AS n FROM anomaly_count WHERE severity = 'MINEURE'`,
    );
    expect(sums?.n).toBe(rows?.n);
  });
});

describe('audit of triage', () => {
  it('writes an audit row for every triage action', async () => {
    const testApp = await startTestApp();
    try {
      const db = testApp.app.get(DataSource);
      await db.query(
        `INSERT INTO budget_sync_state (budget_id, watermark, backfill_from) SELECT id, '2024-01-01', '2024-01-01' FROM budget`,
      );
      await db.query(
        `INSERT INTO chorus_invoice (id_facture, budget_id, numero_facture, code_fournisseur, montant_ttc, statut,
            numero_bon_commande, code_service_executant, date_heure_etat_courant, first_mad_at)
         SELECT 77, id, 'F-77', '73282932000074', 10, 'MISE_A_DISPOSITION', NULL, 'X', '2025-03-01', '2025-03-01'
           FROM budget WHERE code = '62'`,
      );
      await testApp.app.get(ReconciliationService).run({ kind: 'all' }, 'test', NOW);
      const agent = await testApp.signIn('agent');
      const [anomaly] = await db.query<{ id: string }[]>(
        `SELECT id FROM anomaly WHERE id_facture = 77 LIMIT 1`,
      );
      await agent.patch(`/api/v1/anomalies/${anomaly?.id}`).send({ assigneeId: 'me' }).expect(200);
      await agent.post(`/api/v1/anomalies/${anomaly?.id}/notes`).send({ text: 'Vu.' }).expect(201);
      await agent
        .post('/api/v1/anomalies/bulk')
        .send({ ids: [Number(anomaly?.id)], state: 'RESOLUE' })
        .expect(200);
      const actions = await db.query<
        { action: string; actor_email: string; before: unknown; after: unknown }[]
      >(
        `SELECT action, actor_email, before, after FROM audit_event WHERE target_type = 'anomaly' ORDER BY id`,
      );
      expect(actions.map((a) => a.action)).toEqual([
        'anomaly.update',
        'anomaly.note',
        'anomaly.update',
      ]);
      expect(actions.every((a) => a.actor_email === 'agent@demo.cd31.fr')).toBe(true);
      expect(actions[2]).toMatchObject({
        before: { state: 'EN_COURS' },
        after: { state: 'RESOLUE' },
      });
    } finally {
      await testApp.close();
    }
  });
});
