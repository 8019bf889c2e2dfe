import type {
  AnomalyBulkUpdateResultDto,
  AnomalyCountsDto,
  AnomalyListQuery,
  AnomalyPageDto,
  AnomalyRowDto,
  BudgetDto,
} from '@cd31/contracts';
import { ROLE_PERMISSIONS, type Permission } from '@cd31/domain';
import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { ApiService } from '../../core/api.service';
import { SessionService } from '../../core/session.service';
import { AnomaliesPageComponent } from './anomalies-page.component';

const plain = (text: string | null | undefined): string =>
  (text ?? '').replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ');

const row = (overrides: Partial<AnomalyRowDto>): AnomalyRowDto => ({
  id: 1,
  code: 'DGP_DEPASSE',
  severity: 'CRITIQUE',
  actor: 'SERVICE',
  state: 'OUVERTE',
  budgetCode: '62',
  budgetLabel: 'Laboratoire Eau Air (EVA)',
  idFacture: 9001,
  invoiceNumber: 'F-2025-001',
  supplierSiret: '12345678900011',
  supplierName: 'Dupont SARL',
  amountTtc: '1234.56',
  chorusStatus: 'MISE_A_DISPOSITION',
  daysInStatus: 34,
  dgpDaysLeft: null,
  dgpDaysLate: 4,
  eurosAtRisk: '41.62',
  assignee: null,
  firstDetectedAt: '2025-03-01T08:00:00Z',
  lastDetectedAt: '2025-03-05T08:00:00Z',
  resolvedAt: null,
  resolutionReason: null,
  notesCount: 0,
  details: {},
  ...overrides,
});

@Component({ template: '<p>facture</p>' })
class InvoiceStubComponent {}

interface Setup {
  readonly permissions?: readonly Permission[];
  readonly bulk?: AnomalyBulkUpdateResultDto;
}

async function render(url: string, setup: Setup = {}) {
  const page: AnomalyPageDto = {
    rows: [
      row({}),
      row({ id: 2, code: 'DOUBLON', invoiceNumber: 'F-2025-002', state: 'EN_COURS' }),
    ],
    total: 2,
  };
  const counts: AnomalyCountsDto = {
    byCode: [
      { code: 'DGP_DEPASSE', count: 1234 },
      { code: 'DOUBLON', count: 3 },
    ],
    byBudget: [],
    total: 1237,
  };
  const budgets: BudgetDto[] = [
    { code: '01', label: 'Principal', siret: '22310001700423', active: true, updatedAt: '' },
    {
      code: '62',
      label: 'Laboratoire Eau Air (EVA)',
      siret: '22310001700225',
      active: true,
      updatedAt: '',
    },
  ];
  const api = {
    fetchAnomalies: jest.fn((_query: AnomalyListQuery) => Promise.resolve(page)),
    fetchAnomalyCounts: jest.fn(() => Promise.resolve(counts)),
    fetchBudgets: jest.fn(() => Promise.resolve(budgets)),
    fetchAssignableUsers: jest.fn(() =>
      Promise.resolve([{ id: 'u2', displayName: 'Marie Curie' }]),
    ),
    bulkUpdateAnomalies: jest.fn(() => Promise.resolve(setup.bulk ?? { updated: 1, refused: [] })),
    anomaliesExportUrl: ApiService.prototype.anomaliesExportUrl,
  };
  const permissions = setup.permissions ?? ROLE_PERMISSIONS.agent;
  TestBed.configureTestingModule({
    providers: [
      provideRouter([
        { path: 'anomalies', component: AnomaliesPageComponent },
        { path: 'factures/:idFacture', component: InvoiceStubComponent },
      ]),
      { provide: ApiService, useValue: api },
      {
        provide: SessionService,
        useValue: {
          user: signal({ id: 'u1', displayName: 'Agent' }),
          can: (permission: Permission) => permissions.includes(permission),
        },
      },
    ],
  });
  const harness = await RouterTestingHarness.create();
  await harness.navigateByUrl(url, AnomaliesPageComponent);
  const element = harness.routeNativeElement as HTMLElement;
  const settle = async (ms = 150): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    harness.detectChanges();
    await harness.fixture.whenStable();
  };
  await settle();
  /** Lets the grid render until `ready` holds (its cell renderers are asynchronous). */
  const until = async (ready: () => boolean, timeoutMs = 5000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!ready() && Date.now() < deadline) {
      await settle(50);
    }
  };
  const router = TestBed.inject(Router);
  const button = (text: string): HTMLButtonElement | undefined =>
    Array.from(element.querySelectorAll('button')).find(
      (b) => plain(b.textContent).trim() === text,
    );
  return { api, element, settle, until, router, button };
}

describe('AnomaliesPageComponent', () => {
  it("sends the URL's filters and sort to the API and shows the rows in French", async () => {
    const { api, element, until } = await render(
      '/anomalies?budget=62&code=DGP_DEPASSE&sort=eurosAtRisk&dir=desc',
    );
    expect(api.fetchAnomalies).toHaveBeenCalledWith({
      budget: ['62'],
      code: ['DGP_DEPASSE'],
      sort: 'eurosAtRisk',
      dir: 'desc',
      offset: 0,
      limit: 100,
    });
    expect(api.fetchAnomalyCounts).toHaveBeenCalledWith({ budget: ['62'] });
    const gridText = (): string => plain(element.querySelector('cd31-data-grid')?.textContent);
    await until(() => gridText().includes('Délai de paiement dépassé'));
    const grid = gridText();
    expect(grid).toContain('Délai de paiement dépassé');
    expect(grid).toContain('1 234,56 €');
    expect(grid).toContain('Mise à disposition');
    expect(grid).toContain('4 j de retard');
    expect(plain(element.querySelector('.total')?.textContent)).toContain('2 anomalies');
  });

  it('shows the counts per code as chips that toggle the code filter', async () => {
    const { element, router, settle, button } = await render('/anomalies?code=DGP_DEPASSE');
    const chips = Array.from(element.querySelectorAll<HTMLButtonElement>('.code-chip'));
    expect(chips.map((chip) => plain(chip.textContent).trim())).toEqual([
      'Doublon 3',
      'Délai de paiement dépassé 1 234',
    ]);
    expect(chips[1]?.getAttribute('aria-pressed')).toBe('true');
    button('Doublon 3')?.click();
    await settle();
    expect(router.url).toBe('/anomalies?code=DGP_DEPASSE&code=DOUBLON');
  });

  it('puts a quick filter in the URL and reloads the grid with it', async () => {
    const { api, router, settle, button } = await render('/anomalies?budget=62');
    button('Retard DGP')?.click();
    await settle();
    expect(router.url).toBe('/anomalies?budget=62&code=DGP_DEPASSE&code=DGP_MENACE');
    expect(api.fetchAnomalies).toHaveBeenLastCalledWith(
      expect.objectContaining({ budget: ['62'], code: ['DGP_DEPASSE', 'DGP_MENACE'], offset: 0 }),
    );
  });

  it('exports exactly the current view', async () => {
    const { element } = await render('/anomalies?budget=62&assignee=me&sort=amountTtc&dir=asc');
    const links = Array.from(element.querySelectorAll<HTMLAnchorElement>('.exports a'));
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      '/api/v1/anomalies/export.csv?budget=62&assignee=me&sort=amountTtc&dir=asc',
      '/api/v1/anomalies/export.xlsx?budget=62&assignee=me&sort=amountTtc&dir=asc',
    ]);
  });

  it('searches after a pause in typing', async () => {
    const { element, router, settle } = await render('/anomalies');
    const input = element.querySelector<HTMLInputElement>('input[type="search"]')!;
    input.value = 'Dupont';
    input.dispatchEvent(new Event('input'));
    await settle(50);
    expect(router.url).toBe('/anomalies');
    await settle(400);
    expect(router.url).toBe('/anomalies?q=Dupont');
  });

  it('opens the invoice of a clicked row', async () => {
    const { element, router, settle } = await render('/anomalies');
    element.querySelector<HTMLElement>('[col-id="invoiceNumber"].ag-cell')?.click();
    await settle();
    expect(router.url).toBe('/factures/9001');
  });

  it('hides triage and exports from a role without them', async () => {
    const { element } = await render('/anomalies', { permissions: ['anomalies:read'] });
    expect(element.querySelector('.exports')).toBeNull();
    expect(element.querySelector('.ag-selection-checkbox')).toBeNull();
  });

  it('assigns the ticked anomalies after confirmation and lists what was refused', async () => {
    const { api, element, settle, button } = await render('/anomalies', {
      bulk: {
        updated: 1,
        refused: [
          { id: 2, reason: "Une anomalie « En cours » ne peut pas passer à l'état « En cours »." },
        ],
      },
    });
    const boxes = element.querySelectorAll<HTMLInputElement>('.ag-selection-checkbox input');
    boxes[0]?.click();
    boxes[1]?.click();
    await settle();
    expect(plain(element.querySelector('.bulk')?.textContent)).toContain('2 cochée(s)');

    button("M'attribuer")?.click();
    await settle();
    const dialog = element.querySelector('dialog');
    expect(dialog?.hasAttribute('open')).toBe(true);
    expect(plain(dialog?.textContent)).toContain('seront attribuées à vous-même');
    expect(api.bulkUpdateAnomalies).not.toHaveBeenCalled();

    Array.from(dialog!.querySelectorAll('button'))
      .find((b) => plain(b.textContent).trim() === 'Attribuer')
      ?.click();
    await settle();
    expect(api.bulkUpdateAnomalies).toHaveBeenCalledWith({ ids: [1, 2], assigneeId: 'me' });
    const outcome = plain(element.querySelector('.refused')?.textContent);
    expect(outcome).toContain('Anomalie n° 2 (facture F-2025-002)');
    expect(outcome).toContain('ne peut pas passer');
  });

  it('asks why before ignoring in bulk', async () => {
    const { api, element, settle } = await render('/anomalies');
    element.querySelector<HTMLInputElement>('.ag-selection-checkbox input')?.click();
    await settle();
    const select = element.querySelector<HTMLSelectElement>('#bulk-state')!;
    select.value = 'IGNOREE';
    select.dispatchEvent(new Event('change'));
    await settle(0);
    Array.from(element.querySelectorAll<HTMLButtonElement>('.bulk button'))
      .find((b) => plain(b.textContent).trim() === 'Appliquer')
      ?.click();
    await settle(0);
    const dialog = element.querySelector('dialog')!;
    const confirm = Array.from(dialog.querySelectorAll('button')).find((b) =>
      plain(b.textContent).includes('Passer à'),
    )!;
    expect(confirm.disabled).toBe(true);
    const comment = dialog.querySelector('textarea')!;
    comment.value = 'Doublon déjà traité hors application';
    comment.dispatchEvent(new Event('input'));
    await settle(0);
    expect(confirm.disabled).toBe(false);
    confirm.click();
    await settle();
    expect(api.bulkUpdateAnomalies).toHaveBeenCalledWith({
      ids: [1],
      state: 'IGNOREE',
      comment: 'Doublon déjà traité hors application',
    });
  });

  it("shows the API's message when the list cannot be loaded", async () => {
    const { api, element, settle, button } = await render('/anomalies');
    api.fetchAnomalies.mockRejectedValue(new Error('boom'));
    button('Doublon 3')?.click();
    await settle(300);
    expect(element.querySelector('[role="alert"]')?.textContent).toContain('Une erreur inattendue');
  });
});
