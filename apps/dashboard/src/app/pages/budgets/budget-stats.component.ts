import { paramsOf } from '../../core/url-params';
import type { BudgetDto, BudgetStatsDto } from '@cd31/contracts';
import { ChartComponent, EuroPipe, FrIntegerPipe, type ChartClick } from '@cd31/ui';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { map } from 'rxjs';
import { apiErrorMessage } from '../../core/api-error';
import { ApiService } from '../../core/api.service';
import {
  ageingChart,
  eurosAtRiskPerBudgetChart,
  formatMonthFr,
  lateAnomaliesParams,
  monthlyChart,
  monthsBetween,
  paramsFromStatsView,
  periodError,
  statsViewFromParams,
  stuckAnomaliesParams,
  stuckPerBudgetChart,
  type PerBudgetChart,
  type StatsView,
} from './budget-stats';

/**
 * The managers' dashboard above the budgets table: a period and a budget (in the URL), figure
 * tiles and four charts. A bar of « bloquées » or « euros à risque » opens the anomaly list of
 * that budget's stuck invoices.
 */
@Component({
  selector: 'cd31-budget-stats',
  imports: [ChartComponent, EuroPipe, FrIntegerPipe, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="stats" aria-labelledby="stats-title">
      <h2 id="stats-title">
        Factures reçues de {{ monthLabel(view().from) }} à {{ monthLabel(view().to) }} —
        {{ budgetName() }}
      </h2>

      <form
        class="stats-form"
        aria-label="Période et budget affichés"
        (submit)="$event.preventDefault()"
      >
        <label class="field">
          <span>Du mois</span>
          <input type="month" name="from" [value]="view().from" (change)="setFrom($event)" />
        </label>
        <label class="field">
          <span>Au mois</span>
          <input type="month" name="to" [value]="view().to" (change)="setTo($event)" />
        </label>
        <label class="field">
          <span>Budget</span>
          <select name="budget" (change)="setBudget($event)">
            <option value="" [selected]="view().budget === ''">Tous les budgets</option>
            @for (b of budgets(); track b.code) {
              <option [value]="b.code" [selected]="view().budget === b.code">
                {{ b.code }} — {{ b.label }}
              </option>
            }
          </select>
        </label>
        <button type="button" class="btn" (click)="print()">Imprimer</button>
      </form>
      @if (formError(); as message) {
        <p class="form-error" role="alert">{{ message }}</p>
      }

      @if (error(); as message) {
        <div class="alert alert-error" role="alert">
          {{ message }}
          <button type="button" class="btn" (click)="reload()">Réessayer</button>
        </div>
      } @else if (stats(); as s) {
        <dl class="tiles">
          <div class="tile">
            <dt>Factures reçues</dt>
            <dd>{{ s.tiles.received | frInteger }}</dd>
          </div>
          <div class="tile" [class.warn]="s.tiles.stuck > 0">
            <dt>Bloquées en mise à disposition</dt>
            <dd>{{ s.tiles.stuck | frInteger }}</dd>
            @if (s.tiles.stuck > 0) {
              <a class="more" routerLink="/anomalies" [queryParams]="stuckLink()"
                >Voir les anomalies</a
              >
            }
          </div>
          <div class="tile" [class.bad]="s.tiles.late > 0">
            <dt>En retard de paiement</dt>
            <dd>{{ s.tiles.late | frInteger }}</dd>
            @if (s.tiles.late > 0) {
              <a class="more" routerLink="/anomalies" [queryParams]="lateLink()"
                >Voir les anomalies</a
              >
            }
          </div>
          <div class="tile" [class.warn]="s.tiles.atRiskNext5Days > 0">
            <dt>Échéance dans les 5 jours</dt>
            <dd>{{ s.tiles.atRiskNext5Days | frInteger }}</dd>
          </div>
          <div class="tile" [class.bad]="amount(s.tiles.eurosAtRisk) > 0">
            <dt>Euros à risque</dt>
            <dd>{{ s.tiles.eurosAtRisk | euro }}</dd>
          </div>
        </dl>

        <div class="charts">
          <cd31-chart
            heading="Factures reçues par mois, selon leur statut actuel"
            [data]="monthly()"
            [stacked]="true"
          />
          <cd31-chart
            heading="Factures bloquées par budget"
            [data]="stuck().data"
            [horizontal]="true"
            [clickable]="true"
            emptyText="Aucune facture bloquée."
            (barClick)="openStuck(stuck(), $event, false)"
          />
          <cd31-chart
            heading="Ancienneté des factures en cours (depuis la mise à disposition)"
            [data]="ageing()"
            emptyText="Aucune facture en cours."
          />
          <cd31-chart
            heading="Euros à risque par budget (intérêts moratoires et indemnités)"
            [data]="eurosAtRisk().data"
            [horizontal]="true"
            [clickable]="true"
            format="euro"
            emptyText="Aucun euro à risque."
            (barClick)="openStuck(eurosAtRisk(), $event, true)"
          />
        </div>
        <p class="hint">
          Cliquez sur une barre « bloquées » ou « euros à risque » pour voir les anomalies du
          budget.
        </p>
      } @else {
        <p class="loading" role="status">Chargement des chiffres…</p>
      }
    </section>
  `,
  styles: `
    :host {
      display: block;
      margin-bottom: 2rem;
    }
    h2 {
      font-size: 1.15rem;
      margin: 0 0 0.75rem;
    }
    .stats-form {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: flex-end;
      margin-bottom: 1rem;
    }
    .field {
      display: flex;
      flex-direction: column;
      gap: 0.2rem;
      font-size: 0.85rem;
      color: var(--muted);
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
    .form-error {
      color: var(--danger);
      font-weight: 600;
    }
    .tiles {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr));
      gap: 0.75rem;
      margin: 0 0 1rem;
    }
    .tile {
      background: var(--surface);
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 0.75rem 1rem;
      break-inside: avoid;
    }
    .tile dt {
      color: var(--muted);
      font-size: 0.85rem;
    }
    .tile dd {
      margin: 0.2rem 0 0;
      font-size: 1.6rem;
      font-weight: 700;
      font-variant-numeric: tabular-nums;
    }
    .tile.warn {
      border-color: #f79009;
    }
    .tile.warn dd {
      color: #93370d;
    }
    .tile.bad {
      border-color: #fda29b;
    }
    .tile.bad dd {
      color: var(--danger);
    }
    .more {
      font-size: 0.85rem;
      color: var(--brand);
    }
    .charts {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(min(30rem, 100%), 1fr));
      gap: 1rem;
    }
    .hint {
      color: var(--muted);
      font-size: 0.85rem;
    }
    @media print {
      .stats-form,
      .hint,
      .more {
        display: none;
      }
      .tiles {
        grid-template-columns: repeat(5, 1fr);
      }
      .tile dd {
        font-size: 1.2rem;
      }
      .charts {
        display: block;
      }
      .charts cd31-chart {
        margin-bottom: 1rem;
        break-inside: avoid;
      }
    }
  `,
})
export class BudgetStatsComponent {
  private readonly api = inject(ApiService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  readonly budgets = input<readonly BudgetDto[]>([]);
  /** The clock of the default period (pinned in tests). */
  readonly today = input<Date>(new Date());

  private readonly params = toSignal(this.route.queryParamMap.pipe(map(paramsOf)), {
    initialValue: paramsOf(this.route.snapshot.queryParamMap),
  });
  protected readonly view = computed(() => statsViewFromParams(this.params(), this.today()), {
    equal: (a, b) => a.from === b.from && a.to === b.to && a.budget === b.budget,
  });

  protected readonly stats = signal<BudgetStatsDto | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly formError = signal<string | null>(null);

  protected readonly months = computed(() => monthsBetween(this.view().from, this.view().to));
  protected readonly monthly = computed(() => {
    const stats = this.stats();
    return stats ? monthlyChart(stats, this.months()) : { labels: [], series: [] };
  });
  protected readonly stuck = computed(() => {
    const stats = this.stats();
    return stats
      ? stuckPerBudgetChart(stats)
      : { data: { labels: [], series: [] }, budgetCodes: [] };
  });
  protected readonly eurosAtRisk = computed(() => {
    const stats = this.stats();
    return stats
      ? eurosAtRiskPerBudgetChart(stats)
      : { data: { labels: [], series: [] }, budgetCodes: [] };
  });
  protected readonly ageing = computed(() => {
    const stats = this.stats();
    return stats ? ageingChart(stats) : { labels: [], series: [] };
  });
  protected readonly budgetName = computed(() => {
    const code = this.view().budget;
    if (!code) {
      return 'tous les budgets';
    }
    const budget = this.budgets().find((b) => b.code === code);
    return budget ? `budget ${budget.code} — ${budget.label}` : `budget ${code}`;
  });
  protected readonly stuckLink = computed(() => stuckAnomaliesParams(this.view().budget || null));
  protected readonly lateLink = computed(() => lateAnomaliesParams(this.view().budget || null));

  private request = 0;

  constructor() {
    effect(() => {
      const view = this.view();
      untracked(() => void this.load(view));
    });
  }

  protected monthLabel(month: string): string {
    return formatMonthFr(month);
  }

  protected amount(value: string): number {
    const amount = Number(value);
    return Number.isFinite(amount) ? amount : 0;
  }

  protected setFrom(event: Event): void {
    this.navigate({ ...this.view(), from: (event.target as HTMLInputElement).value });
  }

  protected setTo(event: Event): void {
    this.navigate({ ...this.view(), to: (event.target as HTMLInputElement).value });
  }

  protected setBudget(event: Event): void {
    this.navigate({ ...this.view(), budget: (event.target as HTMLSelectElement).value });
  }

  protected print(): void {
    window.print();
  }

  protected reload(): void {
    void this.load(this.view());
  }

  protected async openStuck(
    chart: PerBudgetChart,
    click: ChartClick,
    costliestFirst: boolean,
  ): Promise<void> {
    const budgetCode = chart.budgetCodes[click.index];
    if (budgetCode !== undefined) {
      await this.router.navigate(['/anomalies'], {
        queryParams: stuckAnomaliesParams(budgetCode, costliestFirst),
      });
    }
  }

  private navigate(view: StatsView): void {
    const problem = periodError(view.from, view.to);
    this.formError.set(problem);
    if (problem) {
      return;
    }
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: paramsFromStatsView(view, this.today()),
    });
  }

  private async load(view: StatsView): Promise<void> {
    const request = ++this.request;
    this.error.set(null);
    this.stats.set(null);
    try {
      const stats = await this.api.fetchBudgetStats({
        from: view.from,
        to: view.to,
        ...(view.budget ? { budget: view.budget } : {}),
      });
      if (request === this.request) {
        this.stats.set(stats);
      }
    } catch (error) {
      if (request === this.request) {
        this.error.set(apiErrorMessage(error));
      }
    }
  }
}
