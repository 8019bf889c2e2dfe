import { paramsOf } from '../../core/url-params';
import type {
  AnomalyBulkUpdateRequest,
  AnomalyBulkUpdateResultDto,
  AnomalyCountsDto,
  AnomalyFilters,
  AnomalyRowDto,
  BudgetDto,
  UserRefDto,
} from '@cd31/contracts';
import {
  ANOMALY_CATALOGUE,
  ANOMALY_SEVERITIES,
  ANOMALY_STATE_LABELS,
  ANOMALY_STATES,
  canTransitionManually,
  compareAnomalyCodes,
  isAnomalyCode,
  MANUAL_ANOMALY_TRANSITIONS,
  SEVERITY_DISPLAY,
  type AnomalyCode,
  type AnomalySeverity,
  type AnomalyState,
} from '@cd31/domain';
import {
  ConfirmDialogComponent,
  DataGridComponent,
  FrIntegerPipe,
  type GridPageRequest,
  type GridSort,
} from '@cd31/ui';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { map } from 'rxjs';
import { apiErrorMessage } from '../../core/api-error';
import { ApiService } from '../../core/api.service';
import { SessionService } from '../../core/session.service';
import { anomalyColumns } from './anomaly-columns';
import {
  countsFilters,
  hasFilters,
  QUICK_FILTERS,
  queryParamsFromView,
  sameAnomalySort,
  sameFilters,
  stateChoice,
  toExportQuery,
  toggleCode,
  toListQuery,
  viewFromQueryParams,
  withFilter,
  withStateChoice,
  toAnomalySort,
  type AnomalyView,
  type QuickFilter,
  type StateChoice,
} from './anomaly-view';

const SEARCH_DEBOUNCE_MS = 300;

type BulkAction =
  | { readonly kind: 'assign'; readonly assigneeId: string | null; readonly assigneeName: string }
  | { readonly kind: 'state'; readonly state: AnomalyState };

interface BulkOutcome {
  readonly result: AnomalyBulkUpdateResultDto;
  /** The invoice number of each refused id, to name it. */
  readonly invoiceNumbers: ReadonlyMap<number, string | null>;
}

function plural(count: number, one: string, many: string): string {
  return count > 1 ? many : one;
}

@Component({
  selector: 'cd31-anomalies-page',
  imports: [DataGridComponent, ConfirmDialogComponent, FrIntegerPipe, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page-header">
      <div>
        <h1>Anomalies</h1>
        <p class="lead">
          Les factures à traiter : filtrez, triez, ouvrez une facture pour voir pourquoi elle
          bloque.
        </p>
      </div>
      @if (canExport) {
        <div class="exports" role="group" aria-label="Exporter la vue affichée">
          <a class="btn" [href]="exportUrl('csv')" download>Exporter en CSV</a>
          <a class="btn" [href]="exportUrl('xlsx')" download>Exporter en XLSX</a>
        </div>
      }
    </div>

    <form
      class="filters"
      role="search"
      aria-label="Filtres des anomalies"
      (submit)="submitSearch($event)"
    >
      <label class="field search">
        <span>Recherche</span>
        <input
          type="search"
          name="q"
          [value]="searchText()"
          (input)="onSearchInput($event)"
          placeholder="N° de facture, fournisseur, SIRET, engagement"
        />
      </label>
      <label class="field">
        <span>Budget</span>
        <select name="budget" (change)="setBudget(selectValue($event))">
          <option value="" [selected]="budgetChoice() === ''">Tous les budgets</option>
          @if (budgetChoice() === 'MULTI') {
            <option value="MULTI" selected disabled>
              {{ filters().budget?.length }} budgets sélectionnés
            </option>
          }
          @for (budget of budgets(); track budget.code) {
            <option [value]="budget.code" [selected]="budgetChoice() === budget.code">
              {{ budget.code }} — {{ budget.label }}
            </option>
          }
        </select>
      </label>
      <label class="field">
        <span>État</span>
        <select name="state" (change)="setState(selectValue($event))">
          <option value="" [selected]="stateChoice() === ''">
            À traiter (ouvertes et en cours)
          </option>
          @for (state of states; track state) {
            <option [value]="state" [selected]="stateChoice() === state">
              {{ stateLabels[state] }}
            </option>
          }
          <option value="ALL" [selected]="stateChoice() === 'ALL'">Tous les états</option>
          @if (stateChoice() === 'CUSTOM') {
            <option value="CUSTOM" selected disabled>Sélection personnalisée</option>
          }
        </select>
      </label>
      <label class="field">
        <span>Gravité</span>
        <select name="severity" (change)="setSeverity(selectValue($event))">
          <option value="" [selected]="severityChoice() === ''">Toutes</option>
          @for (severity of severities; track severity) {
            <option [value]="severity" [selected]="severityChoice() === severity">
              {{ severityDisplay[severity].label }}
            </option>
          }
          @if (severityChoice() === 'MULTI') {
            <option value="MULTI" selected disabled>Plusieurs gravités</option>
          }
        </select>
      </label>
      <label class="field">
        <span>Attribution</span>
        <select name="assignee" (change)="setAssignee(selectValue($event))">
          <option value="" [selected]="!filters().assignee">Toutes</option>
          <option value="me" [selected]="filters().assignee === 'me'">Moi</option>
          <option value="none" [selected]="filters().assignee === 'none'">Non attribuées</option>
          @for (user of users(); track user.id) {
            <option [value]="user.id" [selected]="filters().assignee === user.id">
              {{ user.displayName }}
            </option>
          }
          @if (unknownAssignee()) {
            <option [value]="filters().assignee" selected>
              Utilisateur {{ filters().assignee }}
            </option>
          }
        </select>
      </label>
      @if (filtered()) {
        <button type="button" class="btn reset" (click)="resetFilters()">
          Réinitialiser les filtres
        </button>
      }
    </form>

    <div class="chips" role="group" aria-label="Filtres rapides">
      @for (quick of quickFilters; track quick.id) {
        <button
          type="button"
          class="chip"
          [attr.aria-pressed]="quick.isActive(filters())"
          [title]="quick.description"
          (click)="toggleQuick(quick)"
        >
          {{ quick.label }}
        </button>
      }
    </div>

    @if (codeCounts().length > 0) {
      <div class="chips codes" role="group" aria-label="Nombre d'anomalies par code">
        @for (entry of codeCounts(); track entry.code) {
          <button
            type="button"
            class="chip code-chip"
            [attr.aria-pressed]="entry.selected"
            [title]="entry.description"
            (click)="toggleCodeFilter(entry.code)"
          >
            <span class="dot" [style.background]="entry.color" aria-hidden="true"></span>
            {{ entry.label }}
            <span class="count">{{ entry.count | frInteger }}</span>
          </button>
        }
      </div>
    }

    @if (gridError(); as message) {
      <div class="alert alert-error" role="alert">
        {{ message }}
        <button type="button" class="btn" (click)="retry()">Réessayer</button>
      </div>
    }
    @if (notice(); as message) {
      <div class="alert alert-info" role="status">{{ message }}</div>
    }
    @if (bulkOutcome(); as outcome) {
      <div
        class="alert"
        [class.alert-info]="outcome.result.refused.length === 0"
        [class.alert-error]="outcome.result.refused.length > 0"
        role="status"
      >
        <div>
          <p class="outcome">
            {{ outcome.result.updated | frInteger }}
            {{ outcome.result.updated > 1 ? 'anomalies mises à jour' : 'anomalie mise à jour' }}.
            @if (outcome.result.refused.length > 0) {
              {{ outcome.result.refused.length | frInteger }} refusée(s) :
            }
          </p>
          @if (outcome.result.refused.length > 0) {
            <ul class="refused">
              @for (refused of outcome.result.refused; track refused.id) {
                <li>
                  Anomalie n° {{ refused.id }}
                  @if (outcome.invoiceNumbers.get(refused.id); as invoice) {
                    (facture {{ invoice }})
                  }
                  : {{ refused.reason }}
                </li>
              }
            </ul>
          }
        </div>
        <button type="button" class="btn" (click)="bulkOutcome.set(null)">Fermer</button>
      </div>
    }

    <div class="toolbar">
      <p class="total" role="status">
        @if (total() === null) {
          Chargement des anomalies…
        } @else {
          {{ total() | frInteger }} {{ total() === 1 ? 'anomalie' : 'anomalies' }}
        }
      </p>
      @if (canTriage && selection().length > 0) {
        <section class="bulk" aria-label="Actions sur les anomalies cochées">
          <strong>{{ selection().length | frInteger }} cochée(s)</strong>
          <button type="button" class="btn" (click)="askAssign('me')">M'attribuer</button>
          <span class="inline">
            <label for="bulk-assignee">Attribuer à</label>
            <select id="bulk-assignee" (change)="bulkAssignee.set(selectValue($event))">
              <option value="" [selected]="bulkAssignee() === ''">choisir…</option>
              @for (user of users(); track user.id) {
                <option [value]="user.id" [selected]="bulkAssignee() === user.id">
                  {{ user.displayName }}
                </option>
              }
            </select>
            <button
              type="button"
              class="btn"
              [disabled]="bulkAssignee() === ''"
              (click)="askAssign(bulkAssignee())"
            >
              Attribuer
            </button>
          </span>
          <button type="button" class="btn" (click)="askAssign(null)">Retirer l'attribution</button>
          <span class="inline">
            <label for="bulk-state">Passer à l'état</label>
            <select id="bulk-state" (change)="bulkState.set(stateValue($event))">
              <option value="" [selected]="bulkState() === ''">choisir…</option>
              @for (state of bulkStates(); track state) {
                <option [value]="state" [selected]="bulkState() === state">
                  {{ stateLabels[state] }}
                </option>
              }
            </select>
            <button type="button" class="btn" [disabled]="bulkState() === ''" (click)="askState()">
              Appliquer
            </button>
          </span>
          <button type="button" class="btn" (click)="clearSelection()">Tout décocher</button>
        </section>
      }
    </div>

    @if (total() === 0) {
      <p class="empty">
        @if (filtered()) {
          Aucune anomalie ne correspond à ces filtres.
          <button type="button" class="link" (click)="resetFilters()">
            Réinitialiser les filtres
          </button>
          pour tout revoir.
        } @else {
          Aucune anomalie à traiter : la chaîne Chorus Pro → ASTRE est en ordre. Consultez les
          <a routerLink="/budgets">budgets</a> pour les volumes et les délais.
        }
      </p>
    }

    <cd31-data-grid
      label="Anomalies"
      height="65vh"
      [columns]="columns"
      [datasource]="datasource()"
      [rowId]="rowId"
      [selectable]="canTriage"
      [sort]="sort()"
      (rowClicked)="open($event)"
      (selectionChanged)="selection.set($event)"
      (sortChanged)="onSortChanged($event)"
      (pageLoaded)="onPageLoaded($event.total)"
      (loadFailed)="onLoadFailed($event)"
    />
    <p class="hint">
      Cliquez sur une ligne (ou Entrée) pour ouvrir la facture.
      @if (canTriage) {
        Espace coche la ligne.
      }
    </p>

    <cd31-confirm-dialog
      [open]="pendingBulk() !== null"
      [heading]="bulkHeading()"
      [confirmLabel]="bulkConfirmLabel()"
      [busy]="busy()"
      [confirmDisabled]="bulkNeedsComment() && bulkComment().trim() === ''"
      (confirmed)="confirmBulk()"
      (cancelled)="cancelBulk()"
    >
      @if (pendingBulk(); as action) {
        @if (action.kind === 'assign') {
          <p>
            @if (action.assigneeId === null) {
              Les {{ selection().length | frInteger }} anomalie(s) cochée(s) ne seront plus
              attribuées à personne.
            } @else {
              Les {{ selection().length | frInteger }} anomalie(s) cochée(s) seront attribuées à
              {{ action.assigneeName }}.
            }
          </p>
        } @else {
          <p>
            {{ bulkAllowedCount() | frInteger }} anomalie(s) passeront à l'état «
            {{ stateLabels[action.state] }} ».
          </p>
          @if (bulkRefusedCount() > 0) {
            <p class="warning-text">
              {{ bulkRefusedCount() | frInteger }} ne le peuvent pas depuis leur état actuel : elles
              seront refusées.
            </p>
          }
          @if (bulkNeedsComment()) {
            <label class="comment" for="bulk-comment">Pourquoi les ignorer ? (obligatoire)</label>
            <textarea
              id="bulk-comment"
              rows="3"
              [value]="bulkComment()"
              (input)="bulkComment.set(textValue($event))"
            ></textarea>
          }
        }
      }
    </cd31-confirm-dialog>
  `,
  styles: `
    .page-header {
      display: flex;
      justify-content: space-between;
      align-items: flex-start;
      gap: 1rem;
      flex-wrap: wrap;
    }
    .exports {
      display: flex;
      gap: 0.5rem;
    }
    .exports a {
      text-decoration: none;
    }
    .filters {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: flex-end;
      margin-bottom: 0.75rem;
    }
    .field {
      display: flex;
      flex-direction: column;
      gap: 0.2rem;
      font-size: 0.85rem;
      color: var(--muted);
    }
    .field.search {
      flex: 1 1 18rem;
    }
    .field input,
    .field select,
    .inline select,
    textarea {
      font: inherit;
      font-size: 0.95rem;
      color: var(--text);
      padding: 0.35rem 0.5rem;
      border: 1px solid #9aa5b1;
      border-radius: 6px;
      background: #fff;
    }
    .chips {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem;
      margin-bottom: 0.6rem;
    }
    .chip {
      font: inherit;
      font-size: 0.85rem;
      border: 1px solid var(--brand);
      color: var(--brand);
      background: #fff;
      border-radius: 999px;
      padding: 0.25rem 0.75rem;
      cursor: pointer;
      display: inline-flex;
      align-items: center;
      gap: 0.35rem;
    }
    .chip:hover {
      background: #eef3fa;
    }
    .chip[aria-pressed='true'] {
      background: var(--brand);
      color: #fff;
    }
    .code-chip {
      border-color: #9aa5b1;
      color: var(--text);
    }
    .dot {
      width: 0.6rem;
      height: 0.6rem;
      border-radius: 50%;
      display: inline-block;
    }
    .count {
      font-weight: 700;
      font-variant-numeric: tabular-nums;
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      justify-content: space-between;
      align-items: center;
      gap: 0.75rem;
      margin: 0.5rem 0;
    }
    .total {
      margin: 0;
      font-weight: 600;
    }
    .bulk {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem;
      background: #eef3fa;
      border: 1px solid #b2c7e6;
      border-radius: 8px;
      padding: 0.4rem 0.75rem;
    }
    .inline {
      display: inline-flex;
      align-items: center;
      gap: 0.35rem;
    }
    .hint {
      color: var(--muted);
      font-size: 0.85rem;
    }
    .outcome {
      margin: 0;
    }
    .refused {
      margin: 0.35rem 0 0;
      padding-left: 1.1rem;
    }
    .warning-text {
      color: #b54708;
    }
    .comment {
      display: block;
      font-weight: 600;
      margin: 0.5rem 0 0.25rem;
    }
    textarea {
      width: 100%;
      box-sizing: border-box;
    }
    .link {
      font: inherit;
      background: none;
      border: none;
      padding: 0;
      color: var(--brand);
      text-decoration: underline;
      cursor: pointer;
    }
  `,
})
export class AnomaliesPageComponent {
  private readonly api = inject(ApiService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly session = inject(SessionService);
  private readonly grid = viewChild(DataGridComponent<AnomalyRowDto>);

  protected readonly canTriage = this.session.can('anomalies:triage');
  protected readonly canExport = this.session.can('exports:read');
  protected readonly columns = anomalyColumns();
  protected readonly quickFilters = QUICK_FILTERS;
  protected readonly states = ANOMALY_STATES;
  protected readonly stateLabels = ANOMALY_STATE_LABELS;
  protected readonly severities = ANOMALY_SEVERITIES;
  protected readonly severityDisplay = SEVERITY_DISPLAY;
  protected readonly rowId = (row: AnomalyRowDto): string => String(row.id);

  private readonly params = toSignal(this.route.queryParamMap.pipe(map(paramsOf)), {
    initialValue: paramsOf(this.route.snapshot.queryParamMap),
  });
  private readonly view = computed(() => viewFromQueryParams(this.params()));
  protected readonly filters = computed(() => this.view().filters, { equal: sameFilters });
  protected readonly sort = computed(() => this.view().sort, { equal: sameAnomalySort });
  protected readonly filtered = computed(() => hasFilters(this.filters()));

  /** A new datasource per filter set: the grid reloads from the top. The sort is the grid's. */
  protected readonly datasource = computed(() => {
    const filters = this.filters();
    return (request: GridPageRequest) => {
      this.gridError.set(null);
      return this.api.fetchAnomalies(toListQuery(filters, request));
    };
  });

  protected readonly budgets = signal<BudgetDto[]>([]);
  protected readonly users = signal<UserRefDto[]>([]);
  protected readonly counts = signal<AnomalyCountsDto | null>(null);
  protected readonly total = signal<number | null>(null);
  protected readonly gridError = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly selection = signal<AnomalyRowDto[]>([]);
  protected readonly searchText = signal('');

  protected readonly pendingBulk = signal<BulkAction | null>(null);
  protected readonly bulkAssignee = signal('');
  protected readonly bulkState = signal<AnomalyState | ''>('');
  protected readonly bulkComment = signal('');
  protected readonly bulkOutcome = signal<BulkOutcome | null>(null);
  protected readonly busy = signal(false);

  protected readonly budgetChoice = computed(() => {
    const budgets = this.filters().budget ?? [];
    return budgets.length === 0 ? '' : budgets.length === 1 ? (budgets[0] ?? '') : 'MULTI';
  });
  protected readonly stateChoice = computed(() => stateChoice(this.filters()));
  protected readonly severityChoice = computed(() => {
    const severities = this.filters().severity ?? [];
    return severities.length === 0 ? '' : severities.length === 1 ? severities[0] : 'MULTI';
  });
  protected readonly unknownAssignee = computed(() => {
    const assignee = this.filters().assignee;
    return (
      assignee !== undefined &&
      assignee !== 'me' &&
      assignee !== 'none' &&
      !this.users().some((u) => u.id === assignee)
    );
  });

  /** One chip per code the other filters hold, most severe first; a selected code always shows. */
  protected readonly codeCounts = computed(() => {
    const selected = new Set<string>(this.filters().code ?? []);
    const byCode = new Map<string, number>(
      (this.counts()?.byCode ?? []).map((entry) => [entry.code, entry.count]),
    );
    const codes = [...new Set([...byCode.keys(), ...selected])].filter(isAnomalyCode);
    return codes
      .filter((code) => (byCode.get(code) ?? 0) > 0 || selected.has(code))
      .sort(compareAnomalyCodes)
      .map((code) => {
        const definition = ANOMALY_CATALOGUE[code];
        return {
          code,
          label: definition.label,
          description: definition.description,
          color: SEVERITY_DISPLAY[definition.severity].colorHex,
          count: byCode.get(code) ?? 0,
          selected: selected.has(code),
        };
      });
  });

  /** The states at least one ticked anomaly may move to (the server refuses the others). */
  protected readonly bulkStates = computed(() => {
    const from = new Set(this.selection().map((row) => row.state));
    return ANOMALY_STATES.filter((to) =>
      [...from].some((state) => MANUAL_ANOMALY_TRANSITIONS[state].includes(to)),
    );
  });
  protected readonly bulkAllowedCount = computed(() => {
    const action = this.pendingBulk();
    return action?.kind === 'state'
      ? this.selection().filter((row) => canTransitionManually(row.state, action.state)).length
      : this.selection().length;
  });
  protected readonly bulkRefusedCount = computed(
    () => this.selection().length - this.bulkAllowedCount(),
  );
  protected readonly bulkNeedsComment = computed(() => {
    const action = this.pendingBulk();
    return action?.kind === 'state' && action.state === 'IGNOREE';
  });
  protected readonly bulkHeading = computed(() => {
    const action = this.pendingBulk();
    const count = this.selection().length;
    const what = `${count} ${plural(count, 'anomalie', 'anomalies')}`;
    if (action?.kind === 'state') {
      return `Changer l'état de ${what}`;
    }
    return action?.assigneeId === null ? `Retirer l'attribution de ${what}` : `Attribuer ${what}`;
  });
  protected readonly bulkConfirmLabel = computed(() => {
    const action = this.pendingBulk();
    if (action?.kind === 'state') {
      return `Passer à « ${ANOMALY_STATE_LABELS[action.state]} »`;
    }
    return action?.assigneeId === null ? "Retirer l'attribution" : 'Attribuer';
  });

  private searchTimer: ReturnType<typeof setTimeout> | null = null;
  private countsRequest = 0;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.cancelSearchTimer());

    // The search box follows the URL (back button, shared link).
    effect(() => {
      const q = this.filters().q ?? '';
      untracked(() => {
        if (this.searchTimer === null) {
          this.searchText.set(q);
        }
      });
    });

    // Counts per code, for the other filters; and a fresh total for the new filters.
    effect(() => {
      const filters = countsFilters(this.filters());
      untracked(() => {
        this.total.set(null);
        this.selection.set([]);
        void this.loadCounts(filters);
      });
    });

    void this.loadReferenceData();
  }

  protected exportUrl(format: 'csv' | 'xlsx'): string {
    return this.api.anomaliesExportUrl(format, toExportQuery(this.view()));
  }

  protected selectValue(event: Event): string {
    return (event.target as HTMLSelectElement).value;
  }

  protected textValue(event: Event): string {
    return (event.target as HTMLTextAreaElement).value;
  }

  protected stateValue(event: Event): AnomalyState | '' {
    const value = this.selectValue(event);
    return (ANOMALY_STATES as readonly string[]).includes(value) ? (value as AnomalyState) : '';
  }

  protected onSearchInput(event: Event): void {
    const text = (event.target as HTMLInputElement).value;
    this.searchText.set(text);
    this.cancelSearchTimer();
    this.searchTimer = setTimeout(() => {
      this.searchTimer = null;
      this.applySearch();
    }, SEARCH_DEBOUNCE_MS);
  }

  protected submitSearch(event: Event): void {
    event.preventDefault();
    this.cancelSearchTimer();
    this.applySearch();
  }

  protected setBudget(code: string): void {
    this.navigate(withFilter(this.filters(), 'budget', code ? [code] : undefined));
  }

  protected setState(choice: string): void {
    this.navigate(withStateChoice(this.filters(), choice as StateChoice));
  }

  protected setSeverity(severity: string): void {
    const valid = (ANOMALY_SEVERITIES as readonly string[]).includes(severity);
    this.navigate(
      withFilter(this.filters(), 'severity', valid ? [severity as AnomalySeverity] : undefined),
    );
  }

  protected setAssignee(assignee: string): void {
    this.navigate(withFilter(this.filters(), 'assignee', assignee || undefined));
  }

  protected toggleQuick(quick: QuickFilter): void {
    this.navigate(quick.toggle(this.filters()));
  }

  protected toggleCodeFilter(code: AnomalyCode): void {
    this.navigate(toggleCode(this.filters(), code));
  }

  protected resetFilters(): void {
    this.cancelSearchTimer();
    this.searchText.set('');
    this.navigate({});
  }

  protected onSortChanged(sort: GridSort | null): void {
    this.navigateView({ filters: this.filters(), sort: toAnomalySort(sort) });
  }

  protected onPageLoaded(total: number): void {
    this.total.set(total);
  }

  protected onLoadFailed(error: unknown): void {
    this.gridError.set(apiErrorMessage(error));
    this.total.update((total) => total ?? 0);
  }

  protected retry(): void {
    this.gridError.set(null);
    this.grid()?.refresh();
    void this.loadCounts(countsFilters(this.filters()));
  }

  protected async open(row: AnomalyRowDto): Promise<void> {
    if (row.idFacture === null) {
      this.notice.set(
        `L'anomalie n° ${row.id} porte sur une ligne ASTRE que Chorus Pro ne connaît pas : il n'y a pas de facture Chorus Pro à ouvrir.`,
      );
      return;
    }
    await this.router.navigate(['/factures', row.idFacture]);
  }

  protected clearSelection(): void {
    this.grid()?.clearSelection();
    this.selection.set([]);
  }

  protected askAssign(assigneeId: string | null): void {
    const name =
      assigneeId === 'me'
        ? 'vous-même'
        : (this.users().find((u) => u.id === assigneeId)?.displayName ?? '');
    this.bulkOutcome.set(null);
    this.pendingBulk.set({ kind: 'assign', assigneeId, assigneeName: name });
  }

  protected askState(): void {
    const state = this.bulkState();
    if (state !== '') {
      this.bulkOutcome.set(null);
      this.bulkComment.set('');
      this.pendingBulk.set({ kind: 'state', state });
    }
  }

  protected cancelBulk(): void {
    this.pendingBulk.set(null);
  }

  protected async confirmBulk(): Promise<void> {
    const action = this.pendingBulk();
    const rows = this.selection();
    if (!action || rows.length === 0) {
      this.pendingBulk.set(null);
      return;
    }
    const ids = rows.map((row) => row.id);
    const request: AnomalyBulkUpdateRequest =
      action.kind === 'assign'
        ? { ids, assigneeId: action.assigneeId }
        : {
            ids,
            state: action.state,
            ...(this.bulkNeedsComment() ? { comment: this.bulkComment().trim() } : {}),
          };
    this.busy.set(true);
    try {
      const result = await this.api.bulkUpdateAnomalies(request);
      this.bulkOutcome.set({
        result,
        invoiceNumbers: new Map(rows.map((row) => [row.id, row.invoiceNumber])),
      });
      this.pendingBulk.set(null);
      this.bulkState.set('');
      this.bulkAssignee.set('');
      this.clearSelection();
      this.grid()?.refresh();
      await this.loadCounts(countsFilters(this.filters()));
    } catch (error) {
      this.pendingBulk.set(null);
      this.notice.set(null);
      this.gridError.set(apiErrorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  private applySearch(): void {
    const q = this.searchText().trim();
    if (q !== (this.filters().q ?? '')) {
      this.navigate(withFilter(this.filters(), 'q', q || undefined));
    }
  }

  private cancelSearchTimer(): void {
    if (this.searchTimer !== null) {
      clearTimeout(this.searchTimer);
      this.searchTimer = null;
    }
  }

  private navigate(filters: AnomalyFilters): void {
    this.navigateView({ filters, sort: this.sort() });
  }

  private navigateView(view: AnomalyView): void {
    this.notice.set(null);
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: queryParamsFromView(view),
    });
  }

  private async loadCounts(filters: AnomalyFilters): Promise<void> {
    const request = ++this.countsRequest;
    try {
      const counts = await this.api.fetchAnomalyCounts(filters);
      if (request === this.countsRequest) {
        this.counts.set(counts);
      }
    } catch {
      // The grid shows the error of the same query; the chips just stay as they were.
    }
  }

  private async loadReferenceData(): Promise<void> {
    const [budgets, users] = await Promise.all([
      this.api.fetchBudgets().catch(() => [] as BudgetDto[]),
      this.canTriage
        ? this.api.fetchAssignableUsers().catch(() => [] as UserRefDto[])
        : Promise.resolve([] as UserRefDto[]),
    ]);
    this.budgets.set(budgets);
    this.users.set(users);
  }
}
