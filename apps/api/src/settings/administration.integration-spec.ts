import type {
  ApiErrorBody,
  AuditPageDto,
  InterestRatesDto,
  RecyclePreviewDto,
  RecycleTemplatesDto,
  ThresholdSettingsDto,
  UserDto,
} from '@cd31/contracts';
import request from 'supertest';
import { startTestApp, type SignedInClient, type TestApp } from '../../test/test-app';

describe('administration: thresholds, rates, templates, users, audit', () => {
  let testApp: TestApp;
  let admin: SignedInClient;

  beforeAll(async () => {
    testApp = await startTestApp();
    admin = await testApp.signIn('admin');
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('overrides a threshold for one budget only, and removes the override', async () => {
    const updated = (
      await admin
        .put('/api/v1/settings/thresholds')
        .send({ scope: '62', values: { madNonIntegreeDays: 7 } })
        .expect(200)
    ).body as ThresholdSettingsDto;
    expect(updated.budgets.find((b) => b.budgetCode === '62')?.effective.madNonIntegreeDays).toBe(
      7,
    );
    expect(updated.budgets.find((b) => b.budgetCode === '01')?.effective.madNonIntegreeDays).toBe(
      3,
    );
    const reset = (
      await admin
        .put('/api/v1/settings/thresholds')
        .send({ scope: '62', values: { madNonIntegreeDays: null } })
        .expect(200)
    ).body as ThresholdSettingsDto;
    expect(reset.budgets.find((b) => b.budgetCode === '62')?.overrides).toEqual({});
  });

  it('refuses an out-of-range threshold in French', async () => {
    const response = await admin
      .put('/api/v1/settings/thresholds')
      .send({ scope: 'global', values: { madNonIntegreeDays: -2 } })
      .expect(400);
    expect((response.body as ApiErrorBody).message).toMatch(/[a-zé]/);
  });

  it('edits the interest-rate table and refuses an invalid half-year', async () => {
    const current = (await admin.get('/api/v1/settings/interest-rates').expect(200))
      .body as InterestRatesDto;
    const rows = [...current.rows, { halfYearStart: '2026-07-01', ecbRate: 2 }];
    const saved = (await admin.put('/api/v1/settings/interest-rates').send({ rows }).expect(200))
      .body as InterestRatesDto;
    expect(saved.rows.at(-1)).toEqual({ halfYearStart: '2026-07-01', ecbRate: 2 });
    await admin
      .put('/api/v1/settings/interest-rates')
      .send({ rows: [{ halfYearStart: '2026-03-01', ecbRate: 2 }] })
      .expect(400);
  });

  it('previews comment templates before saving them', async () => {
    const { templates } = (await admin.get('/api/v1/settings/recycle-templates').expect(200))
      .body as RecycleTemplatesDto;
    const preview = (
      await admin
        .post('/api/v1/settings/recycle-templates/preview')
        .send({
          templates: { ...templates, prefix: 'Madame, Monsieur, merci de ' },
          anomalies: ['ENGAGEMENT_MAL_FORME'],
        })
        .expect(200)
    ).body as RecyclePreviewDto;
    expect(preview.text).toMatch(/^Madame, Monsieur, merci de /);
    expect(preview.text).toContain('CP2025/X123456/1');
    expect(preview.length).toBeLessThanOrEqual(255);
  });

  it('creates a user limited to one budget, who then sees only that budget’s data', async () => {
    const created = (
      await admin
        .post('/api/v1/users')
        .send({
          email: 'eva@cd31.fr',
          displayName: 'Agent EVA',
          role: 'agent',
          password: 'mot-de-passe-long',
          budgetCodes: ['62'],
        })
        .expect(201)
    ).body as UserDto;
    expect(created).toMatchObject({ role: 'agent', budgetCodes: ['62'], active: true });
    const agent = request.agent(testApp.http);
    await agent
      .post('/api/v1/auth/sign-in')
      .send({ email: 'eva@cd31.fr', password: 'mot-de-passe-long' })
      .expect(200);
    await agent.get('/api/v1/anomalies').expect(200);

    await admin.patch(`/api/v1/users/${created.id}`).send({ active: false }).expect(200);
    await agent.get('/api/v1/anomalies').expect(401);
  });

  it('keeps users and settings away from other roles', async () => {
    const gestionnaire = await testApp.signIn('gestionnaire');
    await gestionnaire.get('/api/v1/users').expect(403);
    await gestionnaire
      .put('/api/v1/settings/thresholds')
      .send({ scope: 'global', values: {} })
      .expect(403);
    await gestionnaire.get('/api/v1/settings/thresholds').expect(200);
    const agent = await testApp.signIn('agent');
    await agent.get('/api/v1/audit').expect(403);
  });

  it('lists every change in the audit trail, and exports it with formula cells neutralised', async () => {
    await admin
      .post('/api/v1/users')
      .send({
        email: 'x@cd31.fr',
        displayName: '=HYPERLINK("http://evil")',
        role: 'gestionnaire',
        password: 'mot-de-passe-long',
      })
      .expect(201);
    const page = (await admin.get('/api/v1/audit?action=settings').expect(200))
      .body as AuditPageDto;
    expect(page.rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['settings.thresholds', 'settings.interest_rates']),
    );
    const csv = await admin.get('/api/v1/audit/export.csv?action=user').expect(200);
    const text = csv.text;
    expect(text.startsWith('\uFEFFDate;Utilisateur;Action')).toBe(true);
    expect(text).toContain('user.create');
    expect(text).not.toMatch(/;=HYPERLINK/);
    expect(text).not.toMatch(/^=/m);
  });
});
