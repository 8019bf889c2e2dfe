import type { ChorusSimulator } from '@cd31/chorus-simulator';
import type {
  ApiErrorBody,
  InvoiceDetailDto,
  InvoiceSearchPageDto,
  RecycleResultDto,
} from '@cd31/contracts';
import { DataSource } from 'typeorm';
import { startTestApp, type SignedInClient, type TestApp } from '../../test/test-app';
import { startTestSimulator, withSimulator } from '../../test/test-simulator';
import { ChorusSyncService } from '../chorus-sync/chorus-sync.service';

describe('one invoice, the search, and sending back à recycler', () => {
  let simulator: ChorusSimulator;
  let testApp: TestApp;
  let agent: SignedInClient;
  let db: DataSource;

  beforeAll(async () => {
    simulator = await startTestSimulator(1200, 5);
    testApp = await startTestApp({
      env: { CHORUS_BACKFILL_MONTHS: '24' },
      configure: withSimulator(simulator),
    });
    await testApp.app.get(ChorusSyncService).syncAndWait('manual');
    agent = await testApp.signIn('agent');
    db = testApp.app.get(DataSource);
  });

  afterAll(async () => {
    await testApp.close();
    await simulator.close();
  });

  async function invoiceWith(code: string, status = 'MISE_A_DISPOSITION'): Promise<number> {
    const [row] = await db.query<{ id: string }[]>(
      `SELECT a.id_facture AS id FROM anomaly a JOIN chorus_invoice c ON c.id_facture = a.id_facture
        WHERE a.code = $1 AND c.statut = $2 AND a.state = 'OUVERTE' ORDER BY a.id_facture LIMIT 1`,
      [code, status],
    );
    if (!row) {
      throw new Error(`no open ${code} anomaly at ${status}`);
    }
    return Number(row.id);
  }

  it('shows the full picture of an invoice with a malformed engagement, and drafts a comment naming the fix', async () => {
    const id = await invoiceWith('ENGAGEMENT_MAL_FORME');
    const detail = (await agent.get(`/api/v1/invoices/${id}`).expect(200)).body as InvoiceDetailDto;
    expect(detail.chorus.idFacture).toBe(id);
    expect(detail.statusHistory.length).toBeGreaterThan(0);
    expect(detail.anomalies.map((a) => a.code)).toContain('ENGAGEMENT_MAL_FORME');
    expect(detail.recycle).toMatchObject({
      allowed: true,
      reason: null,
      mode: 'on',
      maxLength: 255,
    });
    expect(detail.recycle.text).toContain(detail.chorus.engagement?.trim().slice(0, 6) ?? '');
    expect(detail.recycle.text!.length).toBeLessThanOrEqual(255);
    expect(detail.paymentDelay.startDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('sends it back à recycler in Chorus Pro with the comment, re-reads it, and audits it', async () => {
    const id = await invoiceWith('ENGAGEMENT_MAL_FORME');
    const detail = (await agent.get(`/api/v1/invoices/${id}`).expect(200)).body as InvoiceDetailDto;
    const comment = detail.recycle.text ?? '';
    const result = (
      await agent.post(`/api/v1/invoices/${id}/recycle`).send({ comment }).expect(200)
    ).body as RecycleResultDto;
    expect(result).toMatchObject({ mode: 'on', sent: true, newStatus: 'A_RECYCLER' });
    expect(simulator.invoice(id)?.statutCourant).toBe('A_RECYCLER');
    const [stored] = await db.query<{ statut: string; commentaire_etat_courant: string }[]>(
      `SELECT statut, commentaire_etat_courant FROM chorus_invoice WHERE id_facture = $1`,
      [id],
    );
    expect(stored).toEqual({ statut: 'A_RECYCLER', commentaire_etat_courant: comment });
    const [audit] = await db.query<{ after: { motif: string } }[]>(
      `SELECT after FROM audit_event WHERE action = 'invoice.recycle' AND target_id = $1`,
      [String(id)],
    );
    expect(audit?.after.motif).toBe(comment);

    // From A_RECYCLER, Chorus Pro allows no second sending.
    const again = (await agent.get(`/api/v1/invoices/${id}`).expect(200)).body as InvoiceDetailDto;
    expect(again.recycle.allowed).toBe(false);
    const refused = await agent
      .post(`/api/v1/invoices/${id}/recycle`)
      .send({ comment })
      .expect(409);
    expect((refused.body as ApiErrorBody).message).toMatch(/À recycler|à recycler/);
  });

  it('refuses a comment over 255 characters and sends nothing', async () => {
    const id = await invoiceWith('CODE_SERVICE_INCONNU');
    const response = await agent
      .post(`/api/v1/invoices/${id}/recycle`)
      .send({ comment: 'é'.repeat(256) })
      .expect(422);
    expect((response.body as ApiErrorBody).message).toMatch(/255/);
    expect(simulator.invoice(id)?.statutCourant).toBe('MISE_A_DISPOSITION');
  });

  it('in dry-run, audits exactly what would be sent and sends nothing', async () => {
    const dryRun = await startTestApp({
      env: { CHORUS_BACKFILL_MONTHS: '24', RECYCLE_SEND_MODE: 'dry-run' },
      configure: withSimulator(simulator),
      db: testApp.db,
    });
    try {
      const client = await dryRun.signIn('agent');
      const id = await invoiceWith('CODE_SERVICE_INCONNU');
      const result = (
        await client
          .post(`/api/v1/invoices/${id}/recycle`)
          .send({ comment: 'Merci de corriger le code service.' })
          .expect(200)
      ).body as RecycleResultDto;
      expect(result).toMatchObject({ mode: 'dry-run', sent: false });
      expect(simulator.invoice(id)?.statutCourant).toBe('MISE_A_DISPOSITION');
    } finally {
      await dryRun.close();
    }
  });

  it('does not let a gestionnaire send an invoice back', async () => {
    const manager = await testApp.signIn('gestionnaire');
    const id = await invoiceWith('CODE_SERVICE_INCONNU');
    await manager.get(`/api/v1/invoices/${id}`).expect(200);
    await manager.post(`/api/v1/invoices/${id}/recycle`).send({ comment: 'x' }).expect(403);
  });

  it('finds invoices by number or supplier', async () => {
    const [one] = await db.query<{ numero_facture: string }[]>(
      `SELECT numero_facture FROM chorus_invoice LIMIT 1`,
    );
    const page = (
      await agent.get(`/api/v1/invoices?q=${encodeURIComponent(one.numero_facture)}`).expect(200)
    ).body as InvoiceSearchPageDto;
    expect(page.total).toBeGreaterThan(0);
    expect(page.rows[0]?.numeroFacture).toBe(one.numero_facture);
    await agent.get('/api/v1/invoices/999999999').expect(404);
  });
});
