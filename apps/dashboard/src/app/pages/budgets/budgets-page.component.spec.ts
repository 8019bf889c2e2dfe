import type { BudgetDto } from '@cd31/contracts';
import { TestBed } from '@angular/core/testing';
import { LOCALE_ID } from '@angular/core';
import { ApiService } from '../../core/api.service';
import { BudgetsPageComponent } from './budgets-page.component';
import { FormatSiretPipe } from './format-siret.pipe';

const budget = (overrides: Partial<BudgetDto>): BudgetDto => ({
  code: '01',
  label: 'Principal',
  siret: '22310001700423',
  active: true,
  updatedAt: '2025-03-05T23:30:00.000Z',
  ...overrides,
});

async function render(fetchBudgets: () => Promise<BudgetDto[]>): Promise<HTMLElement> {
  TestBed.configureTestingModule({
    imports: [BudgetsPageComponent],
    providers: [
      { provide: ApiService, useValue: { fetchBudgets } },
      { provide: LOCALE_ID, useValue: 'fr-FR' },
    ],
  });
  const fixture = TestBed.createComponent(BudgetsPageComponent);
  fixture.detectChanges();
  await fixture.whenStable();
  fixture.detectChanges();
  return fixture.nativeElement as HTMLElement;
}

describe('BudgetsPageComponent', () => {
  it('lists the budgets with French dates in Europe/Paris time', async () => {
    const element = await render(() =>
      Promise.resolve([
        budget({}),
        budget({ code: '62', label: 'Laboratoire Eau Air (EVA)', siret: '22310001700225' }),
      ]),
    );
    const rows = element.querySelectorAll('tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain('223 100 017 00423');
    // 23:30 UTC on 5 March is already 6 March in Paris.
    expect(rows[0]?.textContent).toContain('06/03/2025');
    expect(rows[1]?.textContent).toContain('Laboratoire Eau Air (EVA)');
  });

  it("shows the API's message when loading fails", async () => {
    const element = await render(() => Promise.reject(new Error('boom')));
    expect(element.querySelector('[role="alert"]')?.textContent).toContain('Une erreur inattendue');
  });
});

describe('FormatSiretPipe', () => {
  it('groups the digits as the suppliers guide prints them', () => {
    expect(new FormatSiretPipe().transform('22310001700423')).toBe('223 100 017 00423');
    expect(new FormatSiretPipe().transform('abc')).toBe('abc');
  });
});
