import type { InvoiceSearchPageDto } from '@cd31/contracts';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { ApiService } from '../../core/api.service';
import { InvoiceSearchPageComponent } from './invoice-search-page.component';

const plain = (text: string | null | undefined): string =>
  (text ?? '')
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

async function render(url: string, result: () => Promise<InvoiceSearchPageDto>) {
  const api = {
    searchInvoices: jest.fn(result),
    fetchBudgets: jest.fn(() => Promise.resolve([])),
  };
  TestBed.configureTestingModule({
    providers: [
      provideRouter([{ path: 'factures', component: InvoiceSearchPageComponent }]),
      { provide: ApiService, useValue: api },
    ],
  });
  const harness = await RouterTestingHarness.create();
  await harness.navigateByUrl(url, InvoiceSearchPageComponent);
  const settle = async (): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    harness.detectChanges();
    await harness.fixture.whenStable();
  };
  await settle();
  return { api, element: harness.routeNativeElement as HTMLElement, settle };
}

describe('InvoiceSearchPageComponent', () => {
  it('searches with the URL criteria and links each invoice to its page', async () => {
    const { api, element } = await render('/factures?q=Dupont&status=MISE_A_DISPOSITION', () =>
      Promise.resolve({
        rows: [
          {
            idFacture: 9001,
            numeroFacture: 'F-2025-001',
            budgetCode: '62',
            supplierName: 'Dupont SARL',
            supplierSiret: '12345678900011',
            amountTtc: '1234.56',
            status: 'MISE_A_DISPOSITION',
            statusAt: '2025-02-01T08:05:00Z',
            depositDate: '2025-01-30T10:00:00Z',
            openAnomalies: 2,
          },
        ],
        total: 1,
      }),
    );
    expect(api.searchInvoices).toHaveBeenCalledWith({
      q: 'Dupont',
      status: 'MISE_A_DISPOSITION',
      offset: 0,
      limit: 50,
    });
    const row = element.querySelector('tbody tr');
    expect(plain(row?.textContent)).toContain('1 234,56 €');
    expect(plain(row?.textContent)).toContain('Mise à disposition');
    expect(row?.querySelector('a')?.getAttribute('href')).toBe('/factures/9001');
  });

  it('puts the criteria in the URL on « Rechercher »', async () => {
    const { element, settle } = await render('/factures', () =>
      Promise.resolve({ rows: [], total: 0 }),
    );
    const input = element.querySelector<HTMLInputElement>('input[name="q"]')!;
    input.value = 'F-2025';
    input.dispatchEvent(new Event('input'));
    element.querySelector('form')?.dispatchEvent(new Event('submit'));
    await settle();
    expect(TestBed.inject(Router).url).toBe('/factures?q=F-2025');
  });

  it('says when nothing matches, and what to try', async () => {
    const { element } = await render('/factures?q=rien', () =>
      Promise.resolve({ rows: [], total: 0 }),
    );
    expect(element.querySelector('.empty')?.textContent).toContain('Élargissez la recherche');
  });

  it("shows the API's message when the search fails", async () => {
    const { element } = await render('/factures', () => Promise.reject(new Error('boom')));
    expect(element.querySelector('[role="alert"]')?.textContent).toContain('Une erreur inattendue');
  });
});
