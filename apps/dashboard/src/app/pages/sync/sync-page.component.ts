import type { ChorusAccountHealthDto, SyncRunDto } from '@cd31/contracts';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  signal,
  type OnInit,
} from '@angular/core';
import { FrDatePipe, FrDateTimePipe, FrIntegerPipe } from '@cd31/ui';
import { apiErrorMessage } from '../../core/api-error';
import { ApiService } from '../../core/api.service';
import { SessionService } from '../../core/session.service';
import {
  formatDuration,
  pagesProgress,
  SYNC_STATUS_LABELS,
  SYNC_TRIGGER_LABELS,
} from './sync-labels';

const POLL_MS = 1000;

@Component({
  selector: 'cd31-sync-page',
  imports: [FrDatePipe, FrDateTimePipe, FrIntegerPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page-header">
      <div>
        <h1>Synchronisation</h1>
        <p class="lead">Les factures reçues sont lues dans Chorus Pro pour chacun des budgets.</p>
      </div>
      @if (canRun) {
        <button type="button" class="btn btn-primary" (click)="syncNow()" [disabled]="running()">
          {{ running() ? 'Synchronisation en cours…' : 'Synchroniser maintenant' }}
        </button>
      }
    </div>

    @if (error(); as message) {
      <div class="alert alert-error" role="alert">{{ message }}</div>
    }
    @if (notice(); as message) {
      <div class="alert alert-info" role="status">{{ message }}</div>
    }

    @if (account(); as acc) {
      <section class="tiles" aria-label="Compte technique Chorus Pro">
        <div class="tile" [class.tile-warning]="acc.passwordExpiresSoon">
          <span class="tile-label">Mot de passe du compte technique</span>
          @if (acc.passwordExpiresAt) {
            <strong>expire le {{ acc.passwordExpiresAt | frDate }}</strong>
            <span>
              @if ((acc.passwordDaysLeft ?? 0) < 0) {
                expiré depuis {{ -(acc.passwordDaysLeft ?? 0) }} jours : renouvelez-le dans Chorus
                Pro
              } @else if (acc.passwordExpiresSoon) {
                plus que {{ acc.passwordDaysLeft }} jours : renouvelez-le dans Chorus Pro
              } @else {
                dans {{ acc.passwordDaysLeft }} jours
              }
            </span>
          } @else {
            <strong>inconnu</strong><span>pas encore lu dans Chorus Pro</span>
          }
        </div>
        <div class="tile">
          <span class="tile-label">Dernier appel réussi</span>
          <strong>{{ acc.lastSuccessAt ? (acc.lastSuccessAt | frDateTime) : 'aucun' }}</strong>
          @if (acc.lastError) {
            <span class="error-text">Dernière erreur : {{ acc.lastError }}</span>
          }
        </div>
      </section>
    }

    @if (runs() === null) {
      <p class="loading" role="status">Chargement des synchronisations…</p>
    } @else if (runs()?.length === 0) {
      <p class="empty">
        Aucune synchronisation pour l'instant.
        @if (canRun) {
          Lancez la première avec « Synchroniser maintenant ».
        }
      </p>
    } @else {
      @if (latest(); as run) {
        <section aria-labelledby="latest-title">
          <h2 id="latest-title">
            Synchronisation n° {{ run.id }} — {{ statusLabels[run.status] }}
            <small
              >{{ triggerLabels[run.trigger] }}, {{ run.startedAt | frDateTime }},
              {{ duration(run) }}</small
            >
          </h2>
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">Budget</th>
                <th scope="col">État</th>
                <th scope="col">Fenêtre (changements depuis)</th>
                <th scope="col">Pages lues / déclarées</th>
                <th scope="col">Factures lues</th>
                <th scope="col">Nouvelles</th>
                <th scope="col">Modifiées</th>
                <th scope="col">Historiques</th>
                <th scope="col">Remarques</th>
              </tr>
            </thead>
            <tbody>
              @for (budget of run.budgets; track budget.budgetCode) {
                <tr>
                  <td>{{ budget.budgetCode }} — {{ budget.budgetLabel }}</td>
                  <td>
                    <span class="badge status-{{ budget.status }}">{{
                      statusLabels[budget.status]
                    }}</span>
                  </td>
                  <td>{{ budget.windowFrom | frDateTime }}</td>
                  <td>
                    <span
                      [class.mismatch]="
                        budget.status !== 'running' && budget.pagesRead !== budget.pagesDeclared
                      "
                    >
                      {{ budget.pagesRead }} / {{ budget.pagesDeclared }}
                    </span>
                    @if (budget.status === 'running') {
                      <progress
                        [value]="progress(budget.pagesRead, budget.pagesDeclared)"
                        max="100"
                        [attr.aria-label]="'Progression du budget ' + budget.budgetCode"
                      ></progress>
                    }
                  </td>
                  <td class="num">{{ budget.invoicesSeen | frInteger }}</td>
                  <td class="num">{{ budget.invoicesNew | frInteger }}</td>
                  <td class="num">{{ budget.invoicesChanged | frInteger }}</td>
                  <td class="num">{{ budget.historyCalls | frInteger }}</td>
                  <td>
                    @if (budget.error) {
                      <span class="error-text">{{ budget.error }}</span>
                    }
                    @if (budget.warning) {
                      <span class="warning-text">{{ budget.warning }}</span>
                    }
                  </td>
                </tr>
              } @empty {
                <tr>
                  <td colspan="9">Démarrage…</td>
                </tr>
              }
            </tbody>
          </table>
        </section>
      }

      <section aria-labelledby="history-title">
        <h2 id="history-title">Dernières synchronisations</h2>
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">N°</th>
              <th scope="col">Début</th>
              <th scope="col">Durée</th>
              <th scope="col">Déclenchement</th>
              <th scope="col">État</th>
              <th scope="col">Budgets en échec</th>
              <th scope="col">Factures lues</th>
            </tr>
          </thead>
          <tbody>
            @for (run of runs(); track run.id) {
              <tr>
                <td>{{ run.id }}</td>
                <td>{{ run.startedAt | frDateTime }}</td>
                <td>{{ duration(run) }}</td>
                <td>
                  {{ triggerLabels[run.trigger]
                  }}{{ run.requestedBy ? ' (' + run.requestedBy + ')' : '' }}
                </td>
                <td>
                  <span class="badge status-{{ run.status }}">{{ statusLabels[run.status] }}</span>
                </td>
                <td class="num">{{ failedBudgets(run) }}</td>
                <td class="num">{{ invoicesSeen(run) | frInteger }}</td>
              </tr>
            }
          </tbody>
        </table>
      </section>
    }
  `,
  styles: `
    .page-header {
      display: flex;
      justify-content: space-between;
      align-items: flex-start;
      gap: 1rem;
    }
    .tiles {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr));
      gap: 1rem;
      margin-bottom: 1.5rem;
    }
    .tile {
      background: var(--surface);
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 0.9rem 1rem;
      display: flex;
      flex-direction: column;
      gap: 0.2rem;
    }
    .tile-warning {
      border-color: #f79009;
      background: #fffaeb;
    }
    .tile-label {
      color: var(--muted);
      font-size: 0.85rem;
    }
    h2 {
      font-size: 1.15rem;
      margin: 1.5rem 0 0.5rem;
    }
    h2 small {
      font-weight: 400;
      color: var(--muted);
      font-size: 0.85rem;
      margin-left: 0.5rem;
    }
    .num {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    .mismatch {
      color: var(--danger);
      font-weight: 700;
    }
    .error-text {
      color: var(--danger);
      display: block;
    }
    .warning-text {
      color: #b54708;
      display: block;
    }
    progress {
      display: block;
      width: 8rem;
    }
    .status-failed,
    .status-interrupted {
      background: var(--danger-bg);
      color: var(--danger);
    }
    .status-partial {
      background: #fffaeb;
      color: #b54708;
    }
    .status-running {
      background: #eff8ff;
      color: #175cd3;
    }
  `,
})
export class SyncPageComponent implements OnInit {
  private readonly api = inject(ApiService);
  protected readonly canRun = inject(SessionService).can('sync:run');
  protected readonly statusLabels = SYNC_STATUS_LABELS;
  protected readonly triggerLabels = SYNC_TRIGGER_LABELS;
  protected readonly runs = signal<SyncRunDto[] | null>(null);
  protected readonly account = signal<ChorusAccountHealthDto | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly latest = computed(() => this.runs()?.[0] ?? null);
  protected readonly running = computed(() => this.latest()?.status === 'running');
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stopPolling());
  }

  ngOnInit(): void {
    void this.refresh();
  }

  protected async syncNow(): Promise<void> {
    this.error.set(null);
    this.notice.set(null);
    try {
      const result = await this.api.requestSync();
      if (!result.started) {
        this.notice.set(
          `La synchronisation n° ${result.run.id} est déjà en cours : suivez-la ci-dessous.`,
        );
      }
      await this.refresh();
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    }
  }

  protected duration(run: SyncRunDto): string {
    return formatDuration(run.startedAt, run.endedAt);
  }

  protected progress(read: number, declared: number): number {
    return pagesProgress(read, declared);
  }

  protected failedBudgets(run: SyncRunDto): number {
    return run.budgets.filter((b) => b.status === 'failed').length;
  }

  protected invoicesSeen(run: SyncRunDto): number {
    return run.budgets.reduce((sum, b) => sum + b.invoicesSeen, 0);
  }

  private async refresh(): Promise<void> {
    this.stopPolling();
    try {
      const [runs, account] = await Promise.all([
        this.api.fetchSyncRuns(20),
        this.api.fetchChorusAccount(),
      ]);
      this.runs.set(runs);
      this.account.set(account);
    } catch (error) {
      this.error.set(apiErrorMessage(error));
      this.runs.update((runs) => runs ?? []);
    }
    if (this.running()) {
      this.timer = setTimeout(() => void this.refresh(), POLL_MS);
    }
  }

  private stopPolling(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
