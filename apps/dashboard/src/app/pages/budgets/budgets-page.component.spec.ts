import type { BudgetDto, BudgetStatsDto } from '@cd31/contracts';
import { Component, LOCALE_ID } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { ApiService } from '../../core/api.service';
import { budgetStats } from '../../../testing/budget-stats-test-data';
import { defaultPeriod } from './budget-stats';
import { BudgetsPageComponent } from './budgets-page.component';
import { FormatSiretPipe } from './format-siret.pipe';

const plain = (text: string | null | undefined): string =>
  (text ?? '')
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const budget = (overrides: Partial<BudgetDto>): BudgetDto => ({
  code: '01',
  label: 'Principal',
  siret: '22310001700423',
  active: true,
  updatedAt: '2025-03-05T23:30:00.000Z',
  ...overrides,
});

@Component({ template: '<p>anomalies</p>' })
class AnomaliesStubComponent {}

async function render(
  fetchBudgets: () => Promise<BudgetDto[]>,
  options: {
    url?: string;
    fetchBudgetStats?: () => Promise<BudgetStatsDto>;
  } = {},
) {
  const api = {
    fetchBudgets: jest.fn(fetchBudgets),
    fetchBudgetStats: jest.fn(options.fetchBudgetStats ?? (() => Promise.resolve(budgetStats()))),
  };
  TestBed.configureTestingModule({
    providers: [
      provideRouter([
        { path: 'budgets', component: BudgetsPageComponent },
        { path: 'anomalies', component: AnomaliesStubComponent },
      ]),
      { provide: ApiService, useValue: api },
      { provide: LOCALE_ID, useValue: 'fr-FR' },
    ],
  });
  const harness = await RouterTestingHarness.create();
  await harness.navigateByUrl(options.url ?? '/budgets', BudgetsPageComponent);
  const settle = async (): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    harness.detectChanges();
    await harness.fixture.whenStable();
  };
  await settle();
  return { api, element: harness.routeNativeElement as HTMLElement, settle };
}

describe('BudgetsPageComponent', () => {
  it('lists the budgets with French dates in Europe/Paris time', async () => {
    const { element } = await render(() =>
      Promise.resolve([
        budget({}),
        budget({ code: '62', label: 'Laboratoire Eau Air (EVA)', siret: '22310001700225' }),
      ]),
    );
    // The end-to-end journey counts `tbody tr` and reads the one `thead`: nothing else may add any.
    const rows = element.querySelectorAll('tbody tr');
    expect(rows).toHaveLength(2);
    expect(element.querySelectorAll('thead')).toHaveLength(1);
    expect(rows[0]?.textContent).toContain('223 100 017 00423');
    // 23:30 UTC on 5 March is already 6 March in Paris.
    expect(rows[0]?.textContent).toContain('06/03/2025');
    expect(rows[1]?.textContent).toContain('Laboratoire Eau Air (EVA)');
    expect(element.querySelector('h1')?.textContent).toBe('Budgets');
  });

  it("shows the API's message when loading fails", async () => {
    const { element } = await render(() => Promise.reject(new Error('boom')));
    expect(element.querySelector('[role="alert"]')?.textContent).toContain('Une erreur inattendue');
  });
});

describe('BudgetsPageComponent figures', () => {
  it('asks for the last twelve months of every budget by default', async () => {
    const { api } = await render(() => Promise.resolve([budget({})]));
    expect(api.fetchBudgetStats).toHaveBeenCalledWith(defaultPeriod(new Date()));
  });

  it('reads the period and budget from the URL', async () => {
    const { api, element } = await render(() => Promise.resolve([budget({})]), {
      url: '/budgets?from=2025-01&to=2025-03&budget=01',
    });
    expect(api.fetchBudgetStats).toHaveBeenCalledWith({
      from: '2025-01',
      to: '2025-03',
      budget: '01',
    });
    expect(plain(element.querySelector('#stats-title')?.textContent)).toBe(
      'Factures reçues de janv. 2025 à mars 2025 — budget 01 — Principal',
    );
  });

  it('shows the tiles and the four charts', async () => {
    const { element } = await render(() => Promise.resolve([budget({})]));
    const tiles = Object.fromEntries(
      Array.from(element.querySelectorAll('.tile')).map((tile) => [
        plain(tile.querySelector('dt')?.textContent),
        plain(tile.querySelector('dd')?.textContent),
      ]),
    );
    expect(tiles).toEqual({
      'Factures reçues': '1 234',
      'Bloquées en mise à disposition': '12',
      'En retard de paiement': '3',
      'Échéance dans les 5 jours': '5',
      'Euros à risque': '1 520,40 €',
    });
    const headings = Array.from(element.querySelectorAll('cd31-chart figcaption')).map((c) =>
      plain(c.textContent),
    );
    expect(headings).toHaveLength(4);
    expect(element.querySelectorAll('cd31-chart canvas')).toHaveLength(4);
  });

  it('opens the stuck anomalies of a budget from its bar', async () => {
    const { element, settle } = await render(() => Promise.resolve([budget({})]));
    const stuckChart = Array.from(element.querySelectorAll('cd31-chart')).find((chart) =>
      chart.textContent?.includes('Factures bloquées par budget'),
    );
    // The data list is the keyboard's way to the same bars: first bar is budget 01.
    stuckChart?.querySelector<HTMLButtonElement>('.chart-data button')?.click();
    await settle();
    expect(TestBed.inject(Router).url).toBe(
      '/anomalies?budget=01&code=MAD_NON_INTEGREE&code=MAD_STATUT_NON_REMONTE&code=MAD_EN_TRAITEMENT',
    );
  });

  it('keeps the budgets table when the figures fail', async () => {
    const { element } = await render(() => Promise.resolve([budget({})]), {
      fetchBudgetStats: () => Promise.reject(new Error('boom')),
    });
    expect(element.querySelector('cd31-budget-stats [role="alert"]')?.textContent).toContain(
      'Une erreur inattendue',
    );
    expect(element.querySelectorAll('tbody tr')).toHaveLength(1);
  });
});

describe('FormatSiretPipe', () => {
  it('groups the digits as the suppliers guide prints them', () => {
    expect(new FormatSiretPipe().transform('22310001700423')).toBe('223 100 017 00423');
    expect(new FormatSiretPipe().transform('abc')).toBe('abc');
  });
});
