import { paramsOf } from '../../core/url-params';
import type { BudgetDto, InvoiceSearchPageDto } from '@cd31/contracts';
import { CHORUS_RECIPIENT_STATUSES, CHORUS_STATUS_LABELS, chorusStatusLabel } from '@cd31/domain';
import { EuroPipe, FrDatePipe, FrIntegerPipe } from '@cd31/ui';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { map } from 'rxjs';
import { apiErrorMessage } from '../../core/api-error';
import { ApiService } from '../../core/api.service';
import {
  INVOICE_PAGE_SIZE,
  pageRange,
  paramsFromSearchView,
  searchViewFromParams,
  toInvoiceSearchQuery,
  type InvoiceSearchView,
} from './invoice-search';

/** « Factures »: find any received invoice by number, supplier, status or budget. */
@Component({
  selector: 'cd31-invoice-search-page',
  imports: [RouterLink, EuroPipe, FrDatePipe, FrIntegerPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>Factures</h1>
    <p class="lead">
      Toutes les factures reçues sur Chorus Pro : cherchez par numéro, fournisseur (nom ou SIRET),
      statut ou budget.
    </p>

    <form
      class="filters"
      role="search"
      aria-label="Recherche de factures"
      (submit)="search($event)"
    >
      <label class="field grow">
        <span>N° de facture ou fournisseur</span>
        <input type="search" name="q" [value]="q()" (input)="q.set(inputValue($event))" />
      </label>
      <label class="field">
        <span>Budget</span>
        <select name="budget" (change)="budget.set(inputValue($event))">
          <option value="" [selected]="budget() === ''">Tous les budgets</option>
          @for (b of budgets(); track b.code) {
            <option [value]="b.code" [selected]="budget() === b.code">
              {{ b.code }} — {{ b.label }}
            </option>
          }
        </select>
      </label>
      <label class="field">
        <span>Statut Chorus Pro</span>
        <select name="status" (change)="status.set(inputValue($event))">
          <option value="" [selected]="status() === ''">Tous les statuts</option>
          @for (s of statuses; track s) {
            <option [value]="s" [selected]="status() === s">{{ statusLabels[s] }}</option>
          }
        </select>
      </label>
      <button type="submit" class="btn btn-primary">Rechercher</button>
    </form>

    @if (error(); as message) {
      <div class="alert alert-error" role="alert">
        {{ message }}
        <button type="button" class="btn" (click)="reload()">Réessayer</button>
      </div>
    } @else if (result() === null) {
      <p class="loading" role="status">Recherche des factures…</p>
    } @else if (result()?.rows?.length === 0) {
      <p class="empty">
        Aucune facture ne correspond.
        @if (filtered()) {
          Élargissez la recherche : retirez un critère ou vérifiez le numéro saisi.
        } @else {
          Aucune facture n'a encore été reçue : lancez une synchronisation depuis la page
          <a routerLink="/synchronisation">Synchronisation</a>.
        }
      </p>
    } @else if (result(); as page) {
      <table class="data-table">
        <caption>
          Factures
          {{
            range().from | frInteger
          }}
          à
          {{
            range().to | frInteger
          }}
          sur
          {{
            page.total | frInteger
          }}
        </caption>
        <thead>
          <tr>
            <th scope="col">N° de facture</th>
            <th scope="col">Budget</th>
            <th scope="col">Fournisseur</th>
            <th scope="col" class="num">Montant TTC</th>
            <th scope="col">Statut</th>
            <th scope="col">Depuis le</th>
            <th scope="col">Déposée le</th>
            <th scope="col" class="num">Anomalies ouvertes</th>
          </tr>
        </thead>
        <tbody>
          @for (row of page.rows; track row.idFacture) {
            <tr>
              <td>
                <a [routerLink]="['/factures', row.idFacture]">{{ row.numeroFacture }}</a>
              </td>
              <td>{{ row.budgetCode }}</td>
              <td>
                {{ row.supplierName ?? '—' }}
                @if (row.supplierSiret) {
                  <small class="siret">{{ row.supplierSiret }}</small>
                }
              </td>
              <td class="num">{{ row.amountTtc | euro }}</td>
              <td>{{ statusLabel(row.status) }}</td>
              <td>{{ row.statusAt | frDate }}</td>
              <td>{{ row.depositDate | frDate }}</td>
              <td class="num">
                @if (row.openAnomalies > 0) {
                  <span class="badge badge-warn">{{ row.openAnomalies }}</span>
                } @else {
                  <span class="muted">0</span>
                }
              </td>
            </tr>
          }
        </tbody>
      </table>
      <nav class="pager" aria-label="Pages de résultats">
        <button
          type="button"
          class="btn"
          [disabled]="view().page <= 1"
          (click)="goToPage(view().page - 1)"
        >
          Précédentes
        </button>
        <span>Page {{ view().page }} sur {{ pages() }}</span>
        <button
          type="button"
          class="btn"
          [disabled]="view().page >= pages()"
          (click)="goToPage(view().page + 1)"
        >
          Suivantes
        </button>
      </nav>
    }
  `,
  styles: `
    .filters {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-end;
      gap: 0.75rem;
      margin-bottom: 1rem;
    }
    .field {
      display: flex;
      flex-direction: column;
      gap: 0.2rem;
      font-size: 0.85rem;
      color: var(--muted);
    }
    .grow {
      flex: 1 1 18rem;
    }
    input,
    select {
      font: inherit;
      font-size: 0.95rem;
      color: var(--text);
      padding: 0.35rem 0.5rem;
      border: 1px solid #9aa5b1;
      border-radius: 6px;
      background: #fff;
    }
    .num {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    .siret {
      display: block;
      color: var(--muted);
      font-family: var(--mono);
    }
    .badge-warn {
      background: #fffaeb;
      color: #93370d;
    }
    .muted {
      color: var(--muted);
    }
    .pager {
      display: flex;
      align-items: center;
      gap: 1rem;
      justify-content: flex-end;
      margin-top: 0.75rem;
    }
  `,
})
export class InvoiceSearchPageComponent {
  private readonly api = inject(ApiService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  protected readonly statuses = CHORUS_RECIPIENT_STATUSES;
  protected readonly statusLabels = CHORUS_STATUS_LABELS;

  private readonly params = toSignal(this.route.queryParamMap.pipe(map(paramsOf)), {
    initialValue: paramsOf(this.route.snapshot.queryParamMap),
  });
  protected readonly view = computed(() => searchViewFromParams(this.params()), {
    equal: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  });
  protected readonly filtered = computed(() => {
    const view = this.view();
    return view.q !== '' || view.budget !== '' || view.status !== '';
  });

  /** The form's values, before « Rechercher ». */
  protected readonly q = signal('');
  protected readonly budget = signal('');
  protected readonly status = signal('');

  protected readonly budgets = signal<BudgetDto[]>([]);
  protected readonly result = signal<InvoiceSearchPageDto | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly pages = computed(() =>
    Math.max(1, Math.ceil((this.result()?.total ?? 0) / INVOICE_PAGE_SIZE)),
  );
  protected readonly range = computed(() =>
    pageRange(this.view().page, this.result()?.rows.length ?? 0, this.result()?.total ?? 0),
  );

  private request = 0;

  constructor() {
    effect(() => {
      const view = this.view();
      untracked(() => {
        this.q.set(view.q);
        this.budget.set(view.budget);
        this.status.set(view.status);
        void this.load(view);
      });
    });
    void this.api
      .fetchBudgets()
      .then((budgets) => this.budgets.set(budgets))
      .catch(() => this.budgets.set([]));
  }

  protected inputValue(event: Event): string {
    return (event.target as HTMLInputElement | HTMLSelectElement).value;
  }

  protected statusLabel(status: string): string {
    return chorusStatusLabel(status);
  }

  protected search(event: Event): void {
    event.preventDefault();
    this.navigate({ q: this.q().trim(), budget: this.budget(), status: this.status(), page: 1 });
  }

  protected goToPage(page: number): void {
    this.navigate({ ...this.view(), page });
  }

  protected reload(): void {
    void this.load(this.view());
  }

  private navigate(view: InvoiceSearchView): void {
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: paramsFromSearchView(view),
    });
  }

  private async load(view: InvoiceSearchView): Promise<void> {
    const request = ++this.request;
    this.error.set(null);
    this.result.set(null);
    try {
      const result = await this.api.searchInvoices(toInvoiceSearchQuery(view));
      if (request === this.request) {
        this.result.set(result);
      }
    } catch (error) {
      if (request === this.request) {
        this.error.set(apiErrorMessage(error));
      }
    }
  }
}
