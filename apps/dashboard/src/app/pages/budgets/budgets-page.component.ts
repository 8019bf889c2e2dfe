import type { BudgetDto } from '@cd31/contracts';
import { FrDatePipe } from '@cd31/ui';
import { ChangeDetectionStrategy, Component, inject, signal, type OnInit } from '@angular/core';
import { apiErrorMessage } from '../../core/api-error';
import { ApiService } from '../../core/api.service';
import { BudgetStatsComponent } from './budget-stats.component';
import { FormatSiretPipe } from './format-siret.pipe';

@Component({
  selector: 'cd31-budgets-page',
  imports: [FrDatePipe, FormatSiretPipe, BudgetStatsComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>Budgets</h1>
    <p class="lead">
      Volumes, blocages et délais de paiement par budget, puis les budgets du CD31 et le SIRET
      Chorus Pro auquel les fournisseurs adressent leurs factures.
    </p>

    <cd31-budget-stats [budgets]="budgets() ?? []" />

    <h2 class="reference-title">Référentiel des budgets</h2>

    @if (error(); as message) {
      <div class="alert alert-error" role="alert">
        {{ message }}
        <button type="button" class="btn" (click)="load()">Réessayer</button>
      </div>
    } @else if (budgets() === null) {
      <p class="loading" role="status">Chargement des budgets…</p>
    } @else if (budgets()?.length === 0) {
      <p class="empty">
        Aucun budget n'est défini. Un administrateur peut en ajouter depuis l'administration.
      </p>
    } @else {
      <table class="data-table" aria-describedby="budgets-caption">
        <caption id="budgets-caption">
          {{
            budgets()?.length
          }}
          budgets
        </caption>
        <thead>
          <tr>
            <th scope="col">Code ASTRE</th>
            <th scope="col">Libellé</th>
            <th scope="col">SIRET Chorus Pro</th>
            <th scope="col">État</th>
            <th scope="col">Modifié le</th>
          </tr>
        </thead>
        <tbody>
          @for (budget of budgets(); track budget.code) {
            <tr>
              <td class="code">{{ budget.code }}</td>
              <td>{{ budget.label }}</td>
              <td class="mono">{{ budget.siret | formatSiret }}</td>
              <td>
                <span class="badge" [class.badge-muted]="!budget.active">{{
                  budget.active ? 'Actif' : 'Inactif'
                }}</span>
              </td>
              <td>{{ budget.updatedAt | frDate }}</td>
            </tr>
          }
        </tbody>
      </table>
    }
  `,
  styles: `
    .reference-title {
      font-size: 1.15rem;
      margin: 0 0 0.75rem;
    }
    @media print {
      .reference-title {
        break-before: page;
      }
    }
    .code {
      font-weight: 600;
      font-variant-numeric: tabular-nums;
    }
    .mono {
      font-family: var(--mono);
    }
  `,
})
export class BudgetsPageComponent implements OnInit {
  private readonly api = inject(ApiService);
  protected readonly budgets = signal<BudgetDto[] | null>(null);
  protected readonly error = signal<string | null>(null);

  ngOnInit(): void {
    void this.load();
  }

  protected async load(): Promise<void> {
    this.error.set(null);
    this.budgets.set(null);
    try {
      this.budgets.set(await this.api.fetchBudgets());
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    }
  }
}
