import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ApiService } from './api.service';

function setup(): { api: ApiService; http: HttpTestingController } {
  TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
  return { api: TestBed.inject(ApiService), http: TestBed.inject(HttpTestingController) };
}

describe('ApiService — anomalies, invoices, statistics', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('sends list filters as repeated parameters, numbers as strings', async () => {
    const { api, http } = setup();
    const page = api.fetchAnomalies({
      budget: ['62', '01'],
      code: ['DGP_DEPASSE'],
      assignee: 'me',
      sort: 'eurosAtRisk',
      dir: 'desc',
      offset: 100,
      limit: 100,
    });
    const request = http.expectOne((r) => r.url === '/api/v1/anomalies');
    expect(request.request.method).toBe('GET');
    expect(request.request.urlWithParams).toBe(
      '/api/v1/anomalies?budget=62&budget=01&code=DGP_DEPASSE&assignee=me&sort=eurosAtRisk&dir=desc&offset=100&limit=100',
    );
    request.flush({ rows: [], total: 0 });
    await expect(page).resolves.toEqual({ rows: [], total: 0 });
  });

  it('asks for the counts with the filters only', async () => {
    const { api, http } = setup();
    const counts = api.fetchAnomalyCounts({ state: ['OUVERTE'] });
    http
      .expectOne('/api/v1/anomalies/counts?state=OUVERTE')
      .flush({ byCode: [], byBudget: [], total: 0 });
    await counts;
  });

  it('updates one anomaly, several, and adds a note', async () => {
    const { api, http } = setup();
    const one = api.updateAnomaly(7, { assigneeId: 'me' });
    const patch = http.expectOne('/api/v1/anomalies/7');
    expect(patch.request.method).toBe('PATCH');
    expect(patch.request.body).toEqual({ assigneeId: 'me' });
    patch.flush({});
    await one;

    const bulk = api.bulkUpdateAnomalies({ ids: [1, 2], state: 'RESOLUE' });
    const post = http.expectOne('/api/v1/anomalies/bulk');
    expect(post.request.method).toBe('POST');
    expect(post.request.body).toEqual({ ids: [1, 2], state: 'RESOLUE' });
    post.flush({ updated: 2, refused: [] });
    await bulk;

    const note = api.addAnomalyNote(7, 'Relance');
    const notePost = http.expectOne('/api/v1/anomalies/7/notes');
    expect(notePost.request.body).toEqual({ text: 'Relance' });
    notePost.flush({});
    await note;
  });

  it('builds export links of the same query, without a window', () => {
    const { api } = setup();
    expect(api.anomaliesExportUrl('xlsx', { budget: ['62'], sort: 'code', dir: 'asc' })).toBe(
      '/api/v1/anomalies/export.xlsx?budget=62&sort=code&dir=asc',
    );
    expect(api.anomaliesExportUrl('csv', {})).toBe('/api/v1/anomalies/export.csv');
  });

  it('reads users, invoices, the search and the statistics', async () => {
    const { api, http } = setup();
    const users = api.fetchAssignableUsers();
    http.expectOne('/api/v1/users/assignable').flush([]);
    await users;

    const invoice = api.fetchInvoice(9001);
    http.expectOne('/api/v1/invoices/9001').flush({});
    await invoice;

    const search = api.searchInvoices({ q: 'Dupont', budget: '62', offset: 0, limit: 50 });
    http
      .expectOne('/api/v1/invoices?q=Dupont&budget=62&offset=0&limit=50')
      .flush({ rows: [], total: 0 });
    await search;

    const stats = api.fetchBudgetStats({ from: '2025-01', to: '2025-12' });
    http.expectOne('/api/v1/stats/budgets?from=2025-01&to=2025-12').flush({});
    await stats;
  });

  it('sends the recycle comment as it is', async () => {
    const { api, http } = setup();
    const result = api.recycleInvoice(9001, { comment: 'Merci de corriger le SIRET.' });
    const post = http.expectOne('/api/v1/invoices/9001/recycle');
    expect(post.request.method).toBe('POST');
    expect(post.request.body).toEqual({ comment: 'Merci de corriger le SIRET.' });
    post.flush({ mode: 'dry-run', sent: false, newStatus: null, message: 'ok' });
    await result;
  });
});
