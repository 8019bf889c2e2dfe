import { DEFAULT_RECYCLE_TEMPLATES } from '@cd31/domain';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ApiService } from './api.service';

function setup(): { api: ApiService; http: HttpTestingController } {
  TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
  return { api: TestBed.inject(ApiService), http: TestBed.inject(HttpTestingController) };
}

/** Answers the one expected request and checks its method and body. */
async function expectCall<T>(
  http: HttpTestingController,
  call: Promise<T>,
  method: string,
  url: string,
  body: unknown = null,
): Promise<void> {
  const request = http.expectOne(url);
  expect(request.request.method).toBe(method);
  expect(request.request.body).toEqual(body);
  request.flush({});
  await call;
}

describe('ApiService — administration', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('reads and writes budgets and settings', async () => {
    const { api, http } = setup();
    const budget = { code: '70', label: 'Annexe', siret: '22310001700423' };
    await expectCall(http, api.createBudget(budget), 'POST', '/api/v1/budgets', budget);
    await expectCall(http, api.fetchThresholds(), 'GET', '/api/v1/settings/thresholds');
    const thresholds = { scope: '62', values: { madNonIntegreeDays: null } };
    await expectCall(
      http,
      api.updateThresholds(thresholds),
      'PUT',
      '/api/v1/settings/thresholds',
      thresholds,
    );
    await expectCall(http, api.fetchInterestRates(), 'GET', '/api/v1/settings/interest-rates');
    const rows = [{ halfYearStart: '2025-01-01', ecbRate: 3.15 }] as const;
    await expectCall(
      http,
      api.replaceInterestRates(rows),
      'PUT',
      '/api/v1/settings/interest-rates',
      { rows },
    );
    await expectCall(
      http,
      api.fetchRecycleTemplates(),
      'GET',
      '/api/v1/settings/recycle-templates',
    );
    await expectCall(
      http,
      api.updateRecycleTemplates(DEFAULT_RECYCLE_TEMPLATES),
      'PUT',
      '/api/v1/settings/recycle-templates',
      { templates: DEFAULT_RECYCLE_TEMPLATES },
    );
    const preview = { templates: DEFAULT_RECYCLE_TEMPLATES, anomalies: ['ENGAGEMENT_ABSENT'] };
    await expectCall(
      http,
      api.previewRecycleComment(preview),
      'POST',
      '/api/v1/settings/recycle-templates/preview',
      preview,
    );
    await expectCall(http, api.fetchAstreImportProfiles(), 'GET', '/api/v1/astre-import-profiles');
    const profile = { separator: ';' as const, encoding: 'auto' as const, headerAliases: {} };
    await expectCall(
      http,
      api.updateAstreImportProfile('engagements', profile),
      'PUT',
      '/api/v1/astre-import-profiles/engagements',
      profile,
    );
  });

  it('manages users and searches the audit trail', async () => {
    const { api, http } = setup();
    await expectCall(http, api.fetchUsers(), 'GET', '/api/v1/users');
    const user = {
      email: 'a@cd31.fr',
      displayName: 'A',
      role: 'agent' as const,
      password: 'douze-caracteres',
    };
    await expectCall(http, api.createUser(user), 'POST', '/api/v1/users', user);
    await expectCall(http, api.updateUser('u1', { active: false }), 'PATCH', '/api/v1/users/u1', {
      active: false,
    });
    await expectCall(
      http,
      api.fetchAuditEvents({
        action: 'user.',
        actor: '',
        from: '2025-01-01',
        offset: 0,
        limit: 50,
      }),
      'GET',
      '/api/v1/audit?action=user.&from=2025-01-01&offset=0&limit=50',
    );
    expect(api.auditExportUrl({ action: 'settings.', to: '2025-12-31' })).toBe(
      '/api/v1/audit/export.csv?action=settings.&to=2025-12-31',
    );
    expect(api.auditExportUrl({})).toBe('/api/v1/audit/export.csv');
  });
});
