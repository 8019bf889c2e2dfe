import type { AnomalyPageDto, BudgetStatsDto } from '@cd31/contracts';
import { parisCalendarDate } from '@cd31/domain';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startTestApp, type SignedInClient, type TestApp } from '../../test/test-app';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { ReconciliationService } from '../reconciliation/reconciliation.service';
import { StatsService } from './stats.service';

/** Pinned "today": Wednesday 12 March 2025, noon in Paris. */
const NOW = new Date('2025-03-12T11:00:00Z');
const ALL_BUDGETS: AuthenticatedUser = {
  id: '00000000-0000-0000-0000-000000000000',
  email: 'test@cd31.fr',
  displayName: 'Test',
  role: 'gestionnaire',
  budgetCodes: null,
  sessionTokenHash: '',
  csrfToken: '',
  ip: null,
};

/** Noon in Paris, `days` calendar days before 12 March 2025. */
function parisNoonDaysAgo(days: number): Date {
  return new Date(Date.UTC(2025, 2, 12 - days, 11, 0, 0));
}

interface InvoiceSeed {
  readonly id: number;
  readonly budget: string;
  readonly statut: string;
  readonly depot?: string | null;
  readonly firstMadAt?: Date | null;
  readonly statusAt?: Date | null;
  readonly firstSeenAt?: Date;
  readonly ttc?: string;
}

describe('budget statistics', () => {
  let testApp: TestApp;
  let db: DataSource;
  let stats: StatsService;
  let manager: SignedInClient;

  async function seed(invoice: InvoiceSeed): Promise<void> {
    await db.query(
      `INSERT INTO chorus_invoice (id_facture, budget_id, numero_facture, code_fournisseur, code_destinataire,
          code_service_executant, numero_bon_commande, montant_ttc, statut, date_depot, date_heure_etat_courant,
          first_mad_at, first_seen_at)
       SELECT $1::bigint, b.id, 'F-' || $1::text, '73282932000074', b.siret, 'S1', 'CP2025/X123456/1', $2::numeric,
              $3, $4::date, $5::timestamptz, $6::timestamptz, coalesce($7::timestamptz, now())
         FROM budget b WHERE b.code = $8`,
      [
        invoice.id,
        invoice.ttc ?? '1000.00',
        invoice.statut,
        invoice.depot === undefined ? '2024-06-01' : invoice.depot,
        invoice.statusAt === undefined ? (invoice.firstMadAt ?? null) : invoice.statusAt,
        invoice.firstMadAt ?? null,
        invoice.firstSeenAt ?? null,
        invoice.budget,
      ],
    );
  }

  beforeAll(async () => {
    testApp = await startTestApp();
    db = testApp.app.get(DataSource);
    stats = testApp.app.get(StatsService);
    manager = await testApp.signIn('gestionnaire');

    // Budget 62: the months and the status families.
    await seed({ id: 1, budget: '62', statut: 'MISE_A_DISPOSITION', depot: '2025-01-31' });
    await seed({ id: 2, budget: '62', statut: 'SERVICE_FAIT', depot: '2025-01-02' });
    await seed({ id: 3, budget: '62', statut: 'MANDATEE', depot: '2025-02-10' });
    await seed({ id: 4, budget: '62', statut: 'MISE_EN_PAIEMENT', depot: '2025-02-11' });
    await seed({ id: 5, budget: '62', statut: 'A_RECYCLER', depot: '2025-02-12' });
    await seed({ id: 6, budget: '62', statut: 'REJETEE', depot: '2025-03-01' });
    await seed({ id: 7, budget: '62', statut: 'STATUT_INCONNU', depot: '2025-03-02' });
    await seed({ id: 8, budget: '62', statut: 'DEPOSEE', depot: '2024-12-31' }); // before the period
    // No deposit date: the first status, 31 January 23:30 UTC, is 1 February in Paris.
    await seed({ id: 9, budget: '62', statut: 'COMPLETEE', depot: null });
    await db.query(
      `INSERT INTO invoice_status_event (id_facture, statut, at, source) VALUES
         (9, 'DEPOSEE', '2025-01-31T23:30:00Z', 'historique'),
         (9, 'COMPLETEE', '2025-02-20T10:00:00Z', 'sync')`,
    );
    // No deposit date and no history: first seen, 28 February 23:30 UTC = 1 March in Paris.
    await seed({
      id: 10,
      budget: '62',
      statut: 'SUSPENDUE',
      depot: null,
      statusAt: null,
      firstSeenAt: new Date('2025-02-28T23:30:00Z'),
    });
    // Budget 01: one invoice in February.
    await seed({ id: 20, budget: '01', statut: 'MISE_A_DISPOSITION', depot: '2025-02-03' });

    // Budget 43: open invoices of every age around the bucket boundaries (deposited in 2024).
    const ages = [5, 6, 10, 11, 20, 21, 24, 25, 30, 31];
    for (const [i, age] of ages.entries()) {
      await seed({
        id: 100 + i,
        budget: '43',
        statut: 'MISE_A_DISPOSITION',
        firstMadAt: parisNoonDaysAgo(age),
      });
    }
    // 7 March 00:30 in Paris (6 March in UTC): 5 days, not 6.
    await seed({
      id: 120,
      budget: '43',
      statut: 'SERVICE_FAIT',
      firstMadAt: new Date('2025-03-06T23:30:00Z'),
    });
    // Not open, or never made available: not in the ageing.
    await seed({ id: 121, budget: '43', statut: 'MANDATEE', firstMadAt: parisNoonDaysAgo(50) });
    await seed({ id: 122, budget: '43', statut: 'REJETEE', firstMadAt: parisNoonDaysAgo(50) });
    await seed({ id: 123, budget: '43', statut: 'DEPOSEE', firstMadAt: null });

    await testApp.app.get(ReconciliationService).run({ kind: 'all' }, 'test', NOW);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('counts invoices received per month and status family, by deposit date, else the first status in Paris', async () => {
    const result = await stats.budgetStats(
      { from: '2025-01', to: '2025-03', budget: '62' },
      ALL_BUDGETS,
      NOW,
    );
    expect(result.from).toBe('2025-01');
    expect(result.to).toBe('2025-03');
    expect(result.monthly).toEqual([
      { month: '2025-01', statusFamily: 'MISE_A_DISPOSITION', count: 1 },
      { month: '2025-01', statusFamily: 'EN_TRAITEMENT', count: 1 },
      { month: '2025-02', statusFamily: 'EN_TRAITEMENT', count: 1 }, // id 9, 1 February in Paris
      { month: '2025-02', statusFamily: 'MANDATEE_OU_PAYEE', count: 2 },
      { month: '2025-02', statusFamily: 'RETOUR_FOURNISSEUR', count: 1 },
      { month: '2025-03', statusFamily: 'RETOUR_FOURNISSEUR', count: 1 }, // id 10, 1 March in Paris
      { month: '2025-03', statusFamily: 'REJETEE', count: 1 },
      { month: '2025-03', statusFamily: 'AUTRE', count: 1 },
    ]);
    expect(result.tiles.received).toBe(9);
    expect(result.perBudget).toEqual([expect.objectContaining({ budgetCode: '62', received: 9 })]);
  });

  it('narrows the months to the period', async () => {
    const result = await stats.budgetStats(
      { from: '2025-02', to: '2025-02', budget: '62' },
      ALL_BUDGETS,
      NOW,
    );
    expect(result.monthly.map((m) => m.month)).toEqual(['2025-02', '2025-02', '2025-02']);
    expect(result.tiles.received).toBe(4);
  });

  it('buckets open invoices by Paris calendar days since the first mise à disposition', async () => {
    const result = await stats.budgetStats({ budget: '43' }, ALL_BUDGETS, NOW);
    expect(result.ageing).toEqual([
      { bucket: '0–5', count: 2 }, // 5, and the one made available at 00:30 Paris time 5 days ago
      { bucket: '6–10', count: 2 }, // 6, 10
      { bucket: '11–20', count: 2 }, // 11, 20
      { bucket: '21–30', count: 4 }, // 21, 24, 25, 30
      { bucket: '> 30', count: 1 }, // 31
    ]);
    const empty = await stats.budgetStats({ budget: '15' }, ALL_BUDGETS, NOW);
    expect(empty.ageing).toEqual([
      { bucket: '0–5', count: 0 },
      { bucket: '6–10', count: 0 },
      { bucket: '11–20', count: 0 },
      { bucket: '21–30', count: 0 },
      { bucket: '> 30', count: 0 },
    ]);
  });

  it('counts late and threatened invoices and sums the euros at risk from the payment-delay clocks', async () => {
    const result = await stats.budgetStats({ budget: '43' }, ALL_BUDGETS, NOW);
    const [clocks] = await db.query<{ late: number; at_risk: number; euros: string }[]>(
      `SELECT count(*) FILTER (WHERE p.days_late > 0)::int AS late,
              count(*) FILTER (WHERE p.days_late = 0 AND p.days_left BETWEEN 0 AND 5)::int AS at_risk,
              sum(p.euros_at_risk)::numeric(15,2)::text AS euros
         FROM invoice_payment_delay p JOIN chorus_invoice c USING (id_facture)
         JOIN budget b ON b.id = c.budget_id WHERE b.code = '43'`,
    );
    // 31 days: 1 day late. 25 days: due in 5 days; 30 days: due today.
    expect(clocks).toMatchObject({ late: 1, at_risk: 2 });
    expect(result.tiles).toMatchObject({ late: 1, atRiskNext5Days: 2 });
    expect(result.tiles.eurosAtRisk).toBe(clocks?.euros);
    expect(Number(result.tiles.eurosAtRisk)).toBeGreaterThan(40);
    expect(result.tiles.eurosAtRisk).toMatch(/^\d+\.\d{2}$/);
  });

  it('counts as stuck exactly what the anomaly list shows for the « bloquées » codes', async () => {
    const result = await stats.budgetStats({}, ALL_BUDGETS, NOW);
    for (const budget of result.perBudget) {
      const list = await manager
        .get(
          `/api/v1/anomalies?budget=${budget.budgetCode}&code=MAD_NON_INTEGREE&code=MAD_STATUT_NON_REMONTE&code=MAD_EN_TRAITEMENT&limit=500`,
        )
        .expect(200);
      expect({ budget: budget.budgetCode, stuck: budget.stuck }).toEqual({
        budget: budget.budgetCode,
        stuck: (list.body as AnomalyPageDto).total,
      });
    }
    // Budget 43: every invoice at MISE_A_DISPOSITION for more than 3 days, never integrated.
    expect(result.perBudget.find((b) => b.budgetCode === '43')?.stuck).toBe(10);
    expect(result.tiles.stuck).toBe(result.perBudget.reduce((n, b) => n + b.stuck, 0));
  });

  it('lists every active budget, zeros included, and sums them in the tiles', async () => {
    const result = await stats.budgetStats({ from: '2025-01', to: '2025-03' }, ALL_BUDGETS, NOW);
    expect(result.perBudget.map((b) => b.budgetCode)).toEqual([
      '01',
      '15',
      '40',
      '42',
      '43',
      '61',
      '62',
      '65',
    ]);
    expect(result.perBudget.find((b) => b.budgetCode === '15')).toEqual({
      budgetCode: '15',
      budgetLabel: 'Restauration',
      received: 0,
      stuck: 0,
      late: 0,
      atRiskNext5Days: 0,
      eurosAtRisk: '0.00',
    });
    expect(result.tiles.received).toBe(10); // 9 on budget 62, 1 on budget 01
    expect(result.monthly.filter((m) => m.month === '2025-02')).toContainEqual({
      month: '2025-02',
      statusFamily: 'MISE_A_DISPOSITION',
      count: 1,
    });
  });

  it('leaves out an inactive budget without figures, unless it is asked for', async () => {
    await db.query(`UPDATE budget SET active = false WHERE code = '65'`);
    try {
      const all = await stats.budgetStats({}, ALL_BUDGETS, NOW);
      expect(all.perBudget.map((b) => b.budgetCode)).not.toContain('65');
      const one = await stats.budgetStats({ budget: '65' }, ALL_BUDGETS, NOW);
      expect(one.perBudget.map((b) => b.budgetCode)).toEqual(['65']);
    } finally {
      await db.query(`UPDATE budget SET active = true WHERE code = '65'`);
    }
  });

  describe('over HTTP', () => {
    it('defaults to the last 12 months, the current one included', async () => {
      const response = await manager.get('/api/v1/stats/budgets').expect(200);
      const body = response.body as BudgetStatsDto;
      const current = parisCalendarDate(new Date()).slice(0, 7);
      expect(body.to).toBe(current);
      const [year, month] = current.split('-').map(Number);
      const start = new Date(Date.UTC(year ?? 0, (month ?? 1) - 12, 1));
      expect(body.from).toBe(start.toISOString().slice(0, 7));
      expect(body.ageing).toHaveLength(5);
    });

    it('filters one budget', async () => {
      const response = await manager
        .get('/api/v1/stats/budgets?from=2025-01&to=2025-03&budget=62')
        .expect(200);
      const body = response.body as BudgetStatsDto;
      expect(body.perBudget.map((b) => b.budgetCode)).toEqual(['62']);
      expect(body.tiles.received).toBe(9);
    });

    it.each([
      [
        'from=2025-13',
        'from',
        'Le mois de début doit être au format AAAA-MM (par exemple 2025-01).',
      ],
      ['to=2025-1', 'to', 'Le mois de fin doit être au format AAAA-MM (par exemple 2025-12).'],
      ['from=2025-05&to=2025-04', 'from', 'Le mois de début doit précéder le mois de fin.'],
      ['from=2022-12&to=2025-12', 'to', 'La période est limitée à 36 mois.'],
      ['budget=6', 'budget', 'Code budget invalide : 2 chiffres attendus.'],
      ['annee=2025', 'annee', "Le champ « annee » n'est pas attendu."],
    ])('refuses %s in French', async (query, field, message) => {
      const response = await manager.get(`/api/v1/stats/budgets?${query}`).expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, details: [{ field, message }] });
    });

    it('accepts exactly 36 months', async () => {
      await manager.get('/api/v1/stats/budgets?from=2023-01&to=2025-12').expect(200);
    });

    it('answers 404 for an unknown budget', async () => {
      const response = await manager.get('/api/v1/stats/budgets?budget=99').expect(404);
      expect(response.body).toMatchObject({ message: 'Le budget 99 n’existe pas.' });
    });

    it('keeps a user limited to some budgets to those budgets', async () => {
      await db.query(
        `UPDATE app_user SET budget_codes = '{62}' WHERE email = 'gestionnaire@demo.cd31.fr'`,
      );
      try {
        const response = await manager
          .get('/api/v1/stats/budgets?from=2025-01&to=2025-03')
          .expect(200);
        const body = response.body as BudgetStatsDto;
        expect(body.perBudget.map((b) => b.budgetCode)).toEqual(['62']);
        expect(body.tiles.received).toBe(9);
        expect(body.ageing.every((a) => a.count === 0)).toBe(true);
        const refused = await manager.get('/api/v1/stats/budgets?budget=43').expect(403);
        expect(refused.body).toMatchObject({ message: 'Vous n’avez pas accès à ce budget.' });
      } finally {
        await db.query(
          `UPDATE app_user SET budget_codes = NULL WHERE email = 'gestionnaire@demo.cd31.fr'`,
        );
      }
    });

    it('refuses an anonymous call', async () => {
      await request(testApp.http).get('/api/v1/stats/budgets').expect(401);
    });
  });
});
