import { computePaymentDelay } from '@cd31/domain';
import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from '../../test/test-app';
import { ReconciliationService } from './reconciliation.service';

/** Pinned "today": Wednesday 12 March 2025, noon in Paris. */
const NOW = new Date('2025-03-12T11:00:00Z');
const daysAgo = (days: number): Date => new Date(NOW.getTime() - days * 86_400_000);
const SUPPLIER = '73282932000074';

interface InvoiceSeed {
  id: number;
  budget?: string;
  numero?: string;
  statut?: string;
  statusDaysAgo?: number;
  engagement?: string | null;
  service?: string | null;
  ttc?: string;
  type?: string;
}

describe('reconciliation and anomalies', () => {
  let testApp: TestApp;
  let db: DataSource;
  let engine: ReconciliationService;

  beforeAll(async () => {
    testApp = await startTestApp();
    db = testApp.app.get(DataSource);
    engine = testApp.app.get(ReconciliationService);
    const [budget62] = await db.query<{ id: number }[]>(`SELECT id FROM budget WHERE code = '62'`);
    await db.query(
      `INSERT INTO chorus_service (budget_id, id_service, code_service, libelle) VALUES ($1, 1, 'EVA01', 'Laboratoire'), ($1, 2, 'FACTURES_PUBLIQUES', 'Défaut')`,
      [budget62?.id],
    );
    await db.query(
      `INSERT INTO budget_sync_state (budget_id, watermark, backfill_from) SELECT id, '2024-01-01', '2024-01-01' FROM budget`,
    );
    await db.query(
      `INSERT INTO astre_engagement (row_key, budget_code, engagement_number, engagement_norm)
       VALUES ('62|engagement|CP2025/X123456/1', '62', 'CP2025/X123456/1', 'CP2025/X123456/1'),
              ('01|engagement|AP2025/9999', '01', 'AP2025/9999', 'AP2025/9999')`,
    );
  });

  afterAll(async () => {
    await testApp.close();
  });

  async function seedInvoice(seed: InvoiceSeed): Promise<void> {
    const statusAt = daysAgo(seed.statusDaysAgo ?? 1);
    await db.query(
      `INSERT INTO chorus_invoice (id_facture, budget_id, numero_facture, type_facture, code_fournisseur, code_destinataire,
          code_service_executant, montant_ttc, statut, numero_bon_commande, date_heure_etat_courant, first_mad_at)
       SELECT $1, b.id, $2, $3, $4, b.siret, $5, $6, $7, $8, $9, $9 FROM budget b WHERE b.code = $10`,
      [
        seed.id,
        seed.numero ?? `F-${seed.id}`,
        seed.type ?? 'FACTURE',
        SUPPLIER,
        seed.service === undefined ? 'EVA01' : seed.service,
        seed.ttc ?? '100.00',
        seed.statut ?? 'MISE_A_DISPOSITION',
        seed.engagement === undefined ? 'CP2025/X123456/1' : seed.engagement,
        statusAt,
        seed.budget ?? '62',
      ],
    );
  }

  async function seedAstre(row: {
    chorusId?: number | null;
    numero: string;
    budget?: string;
    etat?: string;
    ttc?: string;
  }): Promise<void> {
    const budget = row.budget ?? '62';
    const key = row.chorusId
      ? `${budget}|chorus|${row.chorusId}`
      : `${budget}|siret|${SUPPLIER}|${row.numero.toUpperCase()}`;
    await db.query(
      `INSERT INTO astre_invoice (row_key, budget_code, chorus_invoice_id, invoice_number, invoice_number_norm, supplier_siret,
          integration_date, amount_ttc, etat)
       VALUES ($1, $2, $3, $4::text, upper($4::text), $5, '2025-03-01', $6, $7)
       ON CONFLICT (row_key) DO UPDATE SET etat = excluded.etat, amount_ttc = excluded.amount_ttc, budget_code = excluded.budget_code`,
      [
        key,
        budget,
        row.chorusId ?? null,
        row.numero,
        SUPPLIER,
        row.ttc ?? '100.00',
        row.etat ?? 'INTEGREE',
      ],
    );
  }

  async function codesOf(idFacture: number, states = ['OUVERTE', 'EN_COURS']): Promise<string[]> {
    const rows = await db.query<{ code: string }[]>(
      `SELECT code FROM anomaly WHERE id_facture = $1 AND state = ANY($2) ORDER BY code`,
      [idFacture, states],
    );
    return rows.map((r) => r.code);
  }

  it('flags each rule on the invoice it concerns', async () => {
    await seedInvoice({ id: 1, statusDaysAgo: 5 }); // stuck, never downloaded
    await seedInvoice({ id: 2, statusDaysAgo: 2 }); // MAD for only 2 days: not yet
    await seedInvoice({ id: 3, statusDaysAgo: 12 });
    await seedAstre({ chorusId: 3, numero: 'F-3' }); // integrated only, 12 days: slow processing
    await seedInvoice({ id: 4 });
    await seedAstre({ chorusId: 4, numero: 'F-4', etat: 'MANDATEE', ttc: '100.50' }); // status not fed back, amount
    await seedInvoice({ id: 5, numero: 'dup-1' });
    // Matched by supplier + number (two candidates: the amount decides), integrated on budget 01.
    await seedAstre({ chorusId: null, numero: 'DUP-1', budget: '01' });
    await seedInvoice({ id: 6, engagement: null, service: null });
    await seedInvoice({ id: 7, engagement: 'cp2025/x123456/1 commande', service: 'INCONNU' });
    await seedInvoice({ id: 8, engagement: 'CP2025/Z000000/9' }); // well-formed, unknown
    await seedInvoice({ id: 9, engagement: 'AP2025/9999' }); // engaged on budget 01
    await seedInvoice({ id: 10, numero: 'DUP-1', type: 'AVOIR', ttc: '-90.00' }); // duplicate of 5, credit note
    await seedInvoice({ id: 11, statut: 'A_RECYCLER', statusDaysAgo: 20 });
    await seedInvoice({ id: 12, statut: 'REJETEE', engagement: null }); // rejected: nothing
    await seedAstre({ chorusId: 999, numero: 'GHOST' }); // ASTRE names an invoice the sync never saw
    // Engaged on budget 01 and integrated there: one BUDGET_INCOHERENT saying both.
    await seedInvoice({ id: 13, engagement: 'AP2025/9999' });
    await seedAstre({ chorusId: 13, numero: 'F-13', budget: '01' });

    await engine.run({ kind: 'all' }, 'test', NOW);

    expect(await codesOf(1)).toEqual(['MAD_NON_INTEGREE']);
    expect(await codesOf(2)).toEqual([]);
    expect(await codesOf(3)).toEqual(['MAD_EN_TRAITEMENT']);
    expect(await codesOf(4)).toEqual(['MAD_STATUT_NON_REMONTE', 'MONTANT_DIVERGENT']);
    expect(await codesOf(5)).toEqual(['BUDGET_INCOHERENT', 'DOUBLON']);
    expect(await codesOf(6)).toEqual(['CODE_SERVICE_ABSENT', 'ENGAGEMENT_ABSENT']);
    expect(await codesOf(7)).toEqual(['CODE_SERVICE_INCONNU', 'ENGAGEMENT_MAL_FORME']);
    expect(await codesOf(8)).toEqual(['ENGAGEMENT_INCONNU']);
    expect(await codesOf(9)).toEqual(['BUDGET_INCOHERENT']);
    expect(await codesOf(10)).toEqual(['AVOIR_DEPOSE', 'DOUBLON']);
    expect(await codesOf(11)).toEqual(['A_RECYCLER_SANS_REPONSE']);
    expect(await codesOf(12)).toEqual([]);
    expect(await codesOf(13)).toEqual(['BUDGET_INCOHERENT']);
    const [both] = await db.query<{ details: Record<string, unknown>; astre_row_key: string }[]>(
      `SELECT details, astre_row_key FROM anomaly WHERE id_facture = 13 AND code = 'BUDGET_INCOHERENT'`,
    );
    expect(both).toMatchObject({
      astre_row_key: '01|chorus|13',
      details: { astreBudget: '01', engagement: 'AP2025/9999', engagementBudgets: ['01'] },
    });
    const absent = await db.query<{ code: string }[]>(
      `SELECT code FROM anomaly WHERE astre_row_key = '62|chorus|999'`,
    );
    expect(absent.map((a) => a.code)).toEqual(['ABSENTE_CHORUS']);
  });

  it('computes the payment delay and flags late and threatened invoices', async () => {
    await seedInvoice({ id: 20, statut: 'SERVICE_FAIT', statusDaysAgo: 35, ttc: '10000.00' });
    await db.query(`UPDATE chorus_invoice SET first_mad_at = $2 WHERE id_facture = $1`, [
      20,
      daysAgo(35),
    ]);
    await seedAstre({ chorusId: 20, numero: 'F-20', etat: 'SERVICE_FAIT', ttc: '10000.00' });
    await seedInvoice({ id: 21, statut: 'SERVICE_FAIT', statusDaysAgo: 22 });
    await db.query(`UPDATE chorus_invoice SET first_mad_at = $2 WHERE id_facture = $1`, [
      21,
      daysAgo(22),
    ]);
    await seedAstre({ chorusId: 21, numero: 'F-21', etat: 'SERVICE_FAIT' });

    await engine.run({ kind: 'all' }, 'test', NOW);

    expect(await codesOf(20)).toEqual(['DGP_DEPASSE']);
    expect(await codesOf(21)).toEqual(['DGP_MENACE']);
    const [clock] = await db.query<{ days_late: number; euros_at_risk: string }[]>(
      `SELECT days_late, euros_at_risk FROM invoice_payment_delay WHERE id_facture = 20`,
    );
    expect(clock?.days_late).toBe(5);
    // 10 000 € × 11,15 % (1 Jan 2025 ECB 3,15 % + 8) × 5 / 365 = 15,27 € + 40 €.
    expect(clock?.euros_at_risk).toBe('55.27');
  });

  it('resolves an anomaly whose condition disappears, with the reason, and keeps what people wrote', async () => {
    const [anomaly] = await db.query<{ id: string }[]>(
      `SELECT id FROM anomaly WHERE id_facture = 1 AND code = 'MAD_NON_INTEGREE'`,
    );
    const [agent] = await db.query<{ id: string }[]>(
      `SELECT id FROM app_user WHERE email = 'agent@demo.cd31.fr'`,
    );
    await db.query(`UPDATE anomaly SET state = 'EN_COURS', assignee_id = $2 WHERE id = $1`, [
      anomaly?.id,
      agent?.id,
    ]);
    await db.query(
      `INSERT INTO anomaly_note (anomaly_id, author_id, text) VALUES ($1, $2, 'Relance ASTRE')`,
      [anomaly?.id, agent?.id],
    );

    await seedAstre({ chorusId: 1, numero: 'F-1' }); // now downloaded into ASTRE
    await engine.run({ kind: 'invoices', ids: [1] }, 'import', NOW);

    const [after] = await db.query<
      {
        state: string;
        assignee_id: string;
        resolution_reason: string;
        resolved_automatically: boolean;
      }[]
    >(
      `SELECT state, assignee_id, resolution_reason, resolved_automatically FROM anomaly WHERE id = $1`,
      [anomaly?.id],
    );
    expect(after).toMatchObject({
      state: 'RESOLUE',
      assignee_id: agent?.id,
      resolved_automatically: true,
    });
    expect(after?.resolution_reason).toMatch(/intégrée dans ASTRE/);
    const notes = await db.query<{ text: string }[]>(
      `SELECT text FROM anomaly_note WHERE anomaly_id = $1`,
      [anomaly?.id],
    );
    expect(notes).toEqual([{ text: 'Relance ASTRE' }]);

    // The ASTRE row disappears from the matching (say it was mis-keyed): the anomaly comes back.
    await db.query(`DELETE FROM astre_invoice WHERE row_key = '62|chorus|1'`);
    await engine.run({ kind: 'invoices', ids: [1] }, 'import', NOW);
    const [reopened] = await db.query<{ state: string; assignee_id: string }[]>(
      `SELECT state, assignee_id FROM anomaly WHERE id = $1`,
      [anomaly?.id],
    );
    expect(reopened).toMatchObject({ state: 'OUVERTE', assignee_id: agent?.id });
    const history = await db.query<{ kind: string }[]>(
      `SELECT kind FROM anomaly_event WHERE anomaly_id = $1 ORDER BY id`,
      [anomaly?.id],
    );
    expect(history.map((h) => h.kind)).toEqual(['detected', 'resolved_auto', 'reopened']);
  });

  it('never reopens an anomaly a person ignored, and changes nothing on a second identical run', async () => {
    await db.query(
      `UPDATE anomaly SET state = 'IGNOREE' WHERE id_facture = 6 AND code = 'ENGAGEMENT_ABSENT'`,
    );
    const before = await db.query<unknown[]>(
      `SELECT id, state, assignee_id, resolved_at, first_detected_at FROM anomaly ORDER BY id`,
    );
    const eventsBefore = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM anomaly_event`,
    );
    const result = await engine.run({ kind: 'all' }, 'test', NOW);
    expect(result).toMatchObject({ opened: 0, reopened: 0, resolved: 0 });
    const after = await db.query<unknown[]>(
      `SELECT id, state, assignee_id, resolved_at, first_detected_at FROM anomaly ORDER BY id`,
    );
    expect(after).toEqual(before);
    const eventsAfter = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM anomaly_event`,
    );
    expect(eventsAfter).toEqual(eventsBefore);
  });

  it('resolves the anomalies of an invoice that gets rejected', async () => {
    await db.query(`UPDATE chorus_invoice SET statut = 'REJETEE' WHERE id_facture = 7`);
    await engine.run({ kind: 'invoices', ids: [7] }, 'sync', NOW);
    const rows = await db.query<{ state: string; resolution_reason: string }[]>(
      `SELECT state, resolution_reason FROM anomaly WHERE id_facture = 7`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toEqual({ state: 'RESOLUE', resolution_reason: 'La facture a été rejetée.' });
    }
  });

  it('keeps the list’s copy of the invoice and of the assignee’s name up to date', async () => {
    await seedInvoice({ id: 80, engagement: null, ttc: '250.00' });
    await engine.run({ kind: 'invoices', ids: [80] }, 'sync', NOW);
    const read = async (): Promise<Record<string, unknown> | undefined> =>
      (
        await db.query<Record<string, unknown>[]>(
          `SELECT budget_code, invoice_number, supplier_siret, amount_ttc, chorus_status, condition_present,
                  assignee_name, state
             FROM anomaly WHERE id_facture = 80 AND code = 'ENGAGEMENT_ABSENT'`,
        )
      )[0];
    expect(await read()).toMatchObject({
      budget_code: '62',
      invoice_number: 'F-80',
      supplier_siret: SUPPLIER,
      amount_ttc: '250.00',
      chorus_status: 'MISE_A_DISPOSITION',
      condition_present: true,
      assignee_name: null,
    });

    // The invoice moves on and its amount is corrected: the anomaly's copy follows.
    await db.query(
      `UPDATE chorus_invoice SET statut = 'SERVICE_FAIT', montant_ttc = 260 WHERE id_facture = 80`,
    );
    await engine.run({ kind: 'invoices', ids: [80] }, 'sync', NOW);
    expect(await read()).toMatchObject({ chorus_status: 'SERVICE_FAIT', amount_ttc: '260.00' });

    // Assigned, then the agent is renamed: the name shown and sorted on follows.
    const [agent] = await db.query<{ id: string }[]>(
      `INSERT INTO app_user (email, display_name, role, password_hash)
       VALUES ('renamed@cd31.test', 'Agent Avant', 'agent', 'x') RETURNING id`,
    );
    await db.query(
      `UPDATE anomaly SET assignee_id = $1 WHERE id_facture = 80 AND code = 'ENGAGEMENT_ABSENT'`,
      [agent?.id],
    );
    expect(await read()).toMatchObject({ assignee_name: 'Agent Avant' });
    await db.query(`UPDATE app_user SET display_name = 'Agent Après' WHERE id = $1`, [agent?.id]);
    expect(await read()).toMatchObject({ assignee_name: 'Agent Après' });
    // A row inserted with an assignee gets its name; one without keeps none, whatever it says.
    const inserted = await db.query<{ subject_key: string; assignee_name: string | null }[]>(
      `INSERT INTO anomaly (code, subject_key, id_facture, budget_id, budget_code, severity, actor, details,
                           assignee_id, assignee_name)
       SELECT code, subject_key || suffix, id_facture, budget_id, budget_code, severity, actor, details,
              CASE WHEN suffix = '#assigned' THEN $1::uuid END, 'forged'
         FROM anomaly, unnest(ARRAY['#assigned', '#unassigned']) AS suffix
        WHERE id_facture = 80 AND code = 'ENGAGEMENT_ABSENT'
       RETURNING subject_key, assignee_name`,
      [agent?.id],
    );
    expect(inserted).toEqual([
      { subject_key: 'F:80#assigned', assignee_name: 'Agent Après' },
      { subject_key: 'F:80#unassigned', assignee_name: null },
    ]);
    await db.query(`DELETE FROM anomaly WHERE subject_key LIKE 'F:80#%'`);

    // The engagement is filled in: the anomaly resolves itself and its copy still follows.
    await db.query(
      `UPDATE chorus_invoice SET numero_bon_commande = 'CP2025/X123456/1', statut = 'MANDATEE' WHERE id_facture = 80`,
    );
    await engine.run({ kind: 'invoices', ids: [80] }, 'sync', NOW);
    expect(await read()).toMatchObject({
      condition_present: false,
      state: 'RESOLUE',
      chorus_status: 'MANDATEE',
      assignee_name: 'Agent Après',
    });
  });

  it('fills an empty anomaly table first and builds its list indexes after, as the row-by-row way would', async () => {
    const snapshot = (): Promise<unknown[]> =>
      db.query(
        `SELECT code, subject_key, budget_code, invoice_number, supplier_name, amount_ttc, chorus_status, state
           FROM anomaly WHERE condition_present ORDER BY code, subject_key`,
      );
    const indexes = (): Promise<unknown[]> =>
      db.query(
        `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'anomaly' ORDER BY indexname`,
      );
    await engine.run({ kind: 'all' }, 'test', NOW);
    const before = await snapshot();
    const indexesBefore = await indexes();
    expect(before.length).toBeGreaterThan(5);

    await db.query('DELETE FROM anomaly_event');
    await db.query('DELETE FROM anomaly_note');
    await db.query('DELETE FROM anomaly');
    engine.firstFillMinRows = 1;
    try {
      const result = await engine.run({ kind: 'all' }, 'test', NOW);
      expect(result.opened).toBe(before.length);
    } finally {
      engine.firstFillMinRows = 20_000;
    }
    expect(await snapshot()).toEqual(
      (before as { state: string }[]).map((row) => ({ ...row, state: 'OUVERTE' })),
    );
    expect(await indexes()).toEqual(indexesBefore);
  });

  it('writes only the pairs that changed: kept ones keep their row, changed and gone ones follow', async () => {
    await seedInvoice({ id: 95 });
    await seedAstre({ chorusId: 95, numero: 'F-95', etat: 'INTEGREE' });
    await seedInvoice({ id: 96 });
    await seedAstre({ chorusId: 96, numero: 'F-96', etat: 'INTEGREE' });
    await seedInvoice({ id: 97 });
    await seedAstre({ chorusId: 97, numero: 'F-97', etat: 'INTEGREE' });
    const pairs = (): Promise<Record<string, unknown>[]> =>
      db.query(
        `SELECT id_facture::int AS id, astre_etat, ctid::text AS at FROM invoice_match
          WHERE id_facture IN (95, 96, 97) ORDER BY id_facture`,
      );
    await engine.run({ kind: 'all' }, 'test', NOW);
    const before = await pairs();
    expect(before.map((p) => p['astre_etat'])).toEqual(['INTEGREE', 'INTEGREE', 'INTEGREE']);

    // Nothing changed: no pair is written again (same physical row).
    await engine.run({ kind: 'all' }, 'test', NOW);
    expect(await pairs()).toEqual(before);

    // ASTRE moves 96 on and loses 97; a scoped run of 95 alone leaves the others as they are.
    await db.query(`UPDATE astre_invoice SET etat = 'MANDATEE' WHERE chorus_invoice_id = 96`);
    await db.query(`DELETE FROM astre_invoice WHERE chorus_invoice_id = 97`);
    await engine.run({ kind: 'invoices', ids: [95] }, 'test', NOW);
    expect(await pairs()).toEqual(before);
    await engine.run({ kind: 'all' }, 'test', NOW);
    const after = await pairs();
    expect(after.map((p) => [p['id'], p['astre_etat']])).toEqual([
      [95, 'INTEGREE'],
      [96, 'MANDATEE'],
    ]);
    expect(after[0]?.['at']).toBe(before[0]?.['at']);
  });

  it('stops the payment-delay clock while the invoice was suspended', async () => {
    await seedInvoice({ id: 91, statut: 'COMPLETEE', statusDaysAgo: 20, ttc: '1000.00' });
    await db.query(`UPDATE chorus_invoice SET first_mad_at = $1 WHERE id_facture = 91`, [
      daysAgo(40),
    ]);
    await db.query(
      `INSERT INTO invoice_status_event (id_facture, statut, at, source)
       VALUES (91, 'MISE_A_DISPOSITION', $1, 'sync'), (91, 'SUSPENDUE', $2, 'sync'), (91, 'COMPLETEE', $3, 'sync')`,
      [daysAgo(40), daysAgo(30), daysAgo(20)],
    );
    await engine.run({ kind: 'invoices', ids: [91] }, 'sync', NOW);
    const [stored] = await db.query<{ days_elapsed: number; start_date: string }[]>(
      `SELECT days_elapsed, to_char(start_date, 'YYYY-MM-DD') AS start_date
         FROM invoice_payment_delay WHERE id_facture = 91`,
    );
    const expected = computePaymentDelay({
      firstMadAt: daysAgo(40),
      suspensions: [{ from: daysAgo(30), to: daysAgo(20) }],
      paidOrMandatedAt: null,
      now: NOW,
      ttc: 1000,
    });
    const unsuspended = computePaymentDelay({
      firstMadAt: daysAgo(40),
      suspensions: [],
      paidOrMandatedAt: null,
      now: NOW,
      ttc: 1000,
    });
    expect(expected.daysElapsed).toBeLessThan(unsuspended.daysElapsed);
    expect(stored).toEqual({ days_elapsed: expected.daysElapsed, start_date: expected.startDate });
  });
});
