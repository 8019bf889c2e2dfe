import { DataSource } from 'typeorm';
import type { ApiErrorBody, BudgetDto } from '@cd31/contracts';
import { startTestApp, type SignedInClient, type TestApp } from '../../test/test-app';

describe('budgets API', () => {
  let testApp: TestApp;
  let admin: SignedInClient;

  beforeAll(async () => {
    testApp = await startTestApp();
    admin = await testApp.signIn('admin');
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('lists the eight seeded budgets ordered by code', async () => {
    const response = await admin.get('/api/v1/budgets').expect(200);
    const budgets = response.body as BudgetDto[];
    expect(budgets.map((b) => b.code)).toEqual(['01', '15', '40', '42', '43', '61', '62', '65']);
    expect(budgets.find((b) => b.code === '62')?.label).toBe('Laboratoire Eau Air (EVA)');
  });

  it("edits a budget's label", async () => {
    const response = await admin
      .patch('/api/v1/budgets/43')
      .send({ label: '  Laboratoire départemental R&D  ' })
      .expect(200);
    expect((response.body as BudgetDto).label).toBe('Laboratoire départemental R&D');
    const reread = await admin.get('/api/v1/budgets/43').expect(200);
    expect((reread.body as BudgetDto).label).toBe('Laboratoire départemental R&D');
  });

  it('adds a budget with a valid SIRET printed with spaces', async () => {
    const response = await admin
      .post('/api/v1/budgets')
      .send({ code: '70', label: 'Budget annexe', siret: '223 100 017 00431' })
      .expect(201);
    expect(response.body).toMatchObject({ code: '70', siret: '22310001700431', active: true });
  });

  it('refuses a SIRET whose Luhn key is wrong with a French 400', async () => {
    const response = await admin
      .post('/api/v1/budgets')
      .send({ code: '71', label: 'Mauvais SIRET', siret: '22310001700424' })
      .expect(400);
    const body = response.body as ApiErrorBody;
    expect(body.message).toBe(
      'Le SIRET est invalide : sa clé de contrôle (Luhn) ne correspond pas.',
    );
    expect(body.details).toEqual([{ field: 'siret', message: body.message }]);
  });

  it('refuses a duplicate code with 409', async () => {
    const response = await admin
      .post('/api/v1/budgets')
      .send({ code: '01', label: 'Doublon', siret: '22310001700449' })
      .expect(409);
    expect((response.body as ApiErrorBody).message).toBe('Un budget porte déjà ce code.');
  });

  it('refuses a duplicate SIRET with 409', async () => {
    await admin
      .post('/api/v1/budgets')
      .send({ code: '72', label: 'Même SIRET', siret: '22310001700423' })
      .expect(409);
  });

  it('refuses unknown fields and malformed codes', async () => {
    const unknown = await admin.patch('/api/v1/budgets/01').send({ siret: 'x' }).expect(400);
    expect((unknown.body as ApiErrorBody).message).toBe("Le champ « siret » n'est pas attendu.");
    await admin
      .post('/api/v1/budgets')
      .send({ code: '7', label: 'X', siret: '22310001700431' })
      .expect(400);
    await admin.get('/api/v1/budgets/abc').expect(400);
  });

  it('answers 404 in French for an unknown budget', async () => {
    const response = await admin.patch('/api/v1/budgets/99').send({ label: 'X' }).expect(404);
    expect((response.body as ApiErrorBody).message).toBe("Le budget 99 n'existe pas.");
  });

  it('changes nothing when a request is refused', async () => {
    const before = (await admin.get('/api/v1/budgets').expect(200)).body as BudgetDto[];
    await admin
      .post('/api/v1/budgets')
      .send({ code: '01', label: 'X', siret: '22310001700449' })
      .expect(409);
    await admin.patch('/api/v1/budgets/01').send({ label: '' }).expect(400);
    const after = (await admin.get('/api/v1/budgets').expect(200)).body as BudgetDto[];
    expect(after).toEqual(before);
  });
});

describe('budgets API permissions and audit', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('lets a gestionnaire read but not edit budgets', async () => {
    const gestionnaire = await testApp.signIn('gestionnaire');
    await gestionnaire.get('/api/v1/budgets').expect(200);
    const refused = await gestionnaire.patch('/api/v1/budgets/01').send({ label: 'X' }).expect(403);
    expect((refused.body as ApiErrorBody).message).toBe(
      "Votre rôle ne permet pas d'effectuer cette action.",
    );
  });

  it('records who changed a budget, with the values before and after', async () => {
    const admin = await testApp.signIn('admin');
    await admin.patch('/api/v1/budgets/15').send({ label: 'Restauration scolaire' }).expect(200);
    const rows = await testApp.app
      .get(DataSource)
      .query<
        { actor_email: string; before: { label: string }; after: { label: string } }[]
      >(`SELECT actor_email, before, after FROM audit_event WHERE action = 'budget.update' AND target_id = '15'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor_email: 'admin@demo.cd31.fr',
      before: { label: 'Restauration' },
      after: { label: 'Restauration scolaire' },
    });
  });
});
