import type { BudgetDto, ThresholdSettingsDto, UpdateThresholdsRequest } from '@cd31/contracts';
import {
  ANOMALY_THRESHOLD_KEYS,
  ANOMALY_THRESHOLD_SETTINGS,
  DEFAULT_ANOMALY_THRESHOLDS,
  type AnomalyThresholdKey,
} from '@cd31/domain';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  signal,
  type OnInit,
} from '@angular/core';
import { apiErrorMessage } from '../../core/api-error';
import { ApiService } from '../../core/api.service';
import { fieldValue, type PendingAction } from './admin-shared';
import {
  formatThreshold,
  globalDraft,
  overrideDraft,
  removeOverrideRequest,
  thresholdFieldError,
  thresholdRequest,
  thresholdRows,
  type ThresholdDraft,
  type ThresholdRow,
} from './thresholds';
import { AdminSectionStatusComponent } from './admin-section-status.component';
import { PendingActionDialogComponent } from './pending-action-dialog.component';

const RECOMPUTED =
  'Les anomalies ont été recalculées avec les nouveaux seuils : les listes sont à jour.';

/** The global thresholds, and each budget's own values (overrides) in a budget × threshold table. */
@Component({
  selector: 'cd31-admin-thresholds',
  imports: [AdminSectionStatusComponent, PendingActionDialogComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2>Seuils des anomalies</h2>
    <p class="hint">
      Les valeurs globales s’appliquent à tous les budgets, sauf ceux qui ont leur propre valeur.
      Chaque enregistrement recalcule toutes les anomalies (quelques secondes).
    </p>

    <cd31-admin-section-status
      [notice]="notice()"
      [actionError]="actionError()"
      [error]="error()"
      [loading]="settings() === null"
      loadingText="Chargement des seuils…"
      (retry)="load()"
    />
    @if (settings() !== null) {
      <form class="card" novalidate (submit)="$event.preventDefault(); saveGlobal()">
        <h3>Valeurs globales</h3>
        <div class="form-grid">
          @for (key of keys; track key) {
            <div class="field">
              <label [for]="'global-' + key">{{ settingsOf[key].label }}</label>
              <span>
                <input
                  [id]="'global-' + key"
                  type="number"
                  step="1"
                  required
                  [min]="settingsOf[key].min"
                  [max]="settingsOf[key].max"
                  [value]="globalForm()[key]"
                  (input)="setGlobal(key, $event)"
                  [attr.aria-invalid]="globalErrors()[key] !== null"
                  [attr.aria-describedby]="'global-' + key + '-help'"
                />
                <span class="unit">{{ settingsOf[key].unit }}</span>
              </span>
              <p class="field-error" [id]="'global-' + key + '-help'">
                {{
                  globalErrors()[key] ??
                    'De ' + settingsOf[key].min + ' à ' + settingsOf[key].max + '.'
                }}
              </p>
            </div>
          }
        </div>
        <div class="actions">
          <button type="submit" class="btn btn-primary" [disabled]="busy() || !globalValid()">
            {{ busy() ? 'Enregistrement et recalcul…' : 'Enregistrer les valeurs globales' }}
          </button>
        </div>
      </form>

      <h3 id="threshold-table-title">Par budget</h3>
      <p class="hint">
        <span class="marker" aria-hidden="true">●</span> valeur propre au budget ; les autres
        viennent des valeurs globales.
      </p>
      @if (rows().length === 0) {
        <p class="empty">Aucun budget n’est défini.</p>
      } @else {
        <div class="table-scroll">
          <table class="data-table thresholds" aria-labelledby="threshold-table-title">
            <thead>
              <tr>
                <th scope="col">Budget</th>
                @for (key of keys; track key) {
                  <th scope="col">
                    {{ settingsOf[key].label }}
                    <span class="unit">({{ settingsOf[key].unit }})</span>
                  </th>
                }
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              @for (row of rows(); track row.budgetCode) {
                <tr [class.inactive]="!row.active">
                  <th scope="row">
                    {{ row.budgetCode }}
                    @if (row.budgetLabel) {
                      <span class="budget-label">{{ row.budgetLabel }}</span>
                    }
                  </th>
                  @for (cell of row.cells; track cell.key) {
                    <td class="num" [class.overridden]="cell.overridden">
                      @if (cell.overridden) {
                        <span class="marker" aria-hidden="true">●</span>
                        <span class="sr-only">Valeur propre au budget :</span>
                      }
                      {{ format(cell.key, cell.value) }}
                      @if (cell.overridden) {
                        <button
                          type="button"
                          class="link-button"
                          [attr.aria-label]="
                            'Retirer la valeur propre du budget ' +
                            row.budgetCode +
                            ' pour « ' +
                            settingsOf[cell.key].label +
                            ' »'
                          "
                          (click)="askRemove(row, cell.key)"
                        >
                          Retirer
                        </button>
                      }
                    </td>
                  }
                  <td>
                    @if (editing() !== row.budgetCode) {
                      <button
                        type="button"
                        class="btn btn-small"
                        [attr.aria-label]="'Modifier les seuils du budget ' + row.budgetCode"
                        (click)="startEdit(row)"
                      >
                        Modifier
                      </button>
                    }
                  </td>
                </tr>
                @if (editing() === row.budgetCode) {
                  <tr class="editor-row">
                    <td [attr.colspan]="keys.length + 2">
                      <form novalidate (submit)="$event.preventDefault(); saveBudget(row)">
                        <fieldset>
                          <legend>
                            Seuils propres au budget {{ row.budgetCode }} {{ row.budgetLabel }}
                          </legend>
                          <p class="hint">
                            Laissez un champ vide pour appliquer la valeur globale.
                          </p>
                          <div class="form-grid">
                            @for (key of keys; track key) {
                              <div class="field">
                                <label [for]="'budget-' + key">{{ settingsOf[key].label }}</label>
                                <span>
                                  <input
                                    [id]="'budget-' + key"
                                    type="number"
                                    step="1"
                                    [min]="settingsOf[key].min"
                                    [max]="settingsOf[key].max"
                                    [placeholder]="globalPlaceholder(key)"
                                    [value]="budgetForm()[key]"
                                    (input)="setBudget(key, $event)"
                                    [attr.aria-invalid]="budgetErrors()[key] !== null"
                                    [attr.aria-describedby]="'budget-' + key + '-help'"
                                  />
                                  <span class="unit">{{ settingsOf[key].unit }}</span>
                                </span>
                                <p class="field-error" [id]="'budget-' + key + '-help'">
                                  {{ budgetErrors()[key] ?? '' }}
                                </p>
                              </div>
                            }
                          </div>
                          <div class="actions">
                            <button
                              type="submit"
                              class="btn btn-primary"
                              [disabled]="busy() || !budgetValid()"
                            >
                              {{ busy() ? 'Enregistrement et recalcul…' : 'Enregistrer' }}
                            </button>
                            <button type="button" class="btn" (click)="clearBudgetForm()">
                              Tout ramener aux valeurs globales
                            </button>
                            <button type="button" class="btn" (click)="editing.set(null)">
                              Annuler
                            </button>
                          </div>
                        </fieldset>
                      </form>
                    </td>
                  </tr>
                }
              }
            </tbody>
          </table>
        </div>
      }
    }

    <cd31-pending-action-dialog
      [action]="pending()"
      [busy]="busy()"
      (confirmed)="confirm()"
      (cancelled)="pending.set(null)"
    />
  `,
  styles: `
    .marker {
      color: var(--brand);
      font-size: 0.7rem;
      margin-right: 0.25rem;
    }
    td.overridden {
      font-weight: 700;
      color: var(--brand-dark);
    }
    .budget-label {
      display: block;
      font-weight: 400;
      color: var(--muted);
      font-size: 0.85rem;
    }
    tr.inactive th {
      color: var(--muted);
    }
    .link-button {
      font: inherit;
      font-size: 0.8rem;
      background: none;
      border: none;
      padding: 0 0.2rem;
      color: var(--danger);
      text-decoration: underline;
      cursor: pointer;
    }
    .thresholds thead th {
      text-transform: none;
      letter-spacing: 0;
    }
  `,
})
export class AdminThresholdsComponent implements OnInit {
  private readonly api = inject(ApiService);
  protected readonly keys = ANOMALY_THRESHOLD_KEYS;
  protected readonly settingsOf = ANOMALY_THRESHOLD_SETTINGS;
  protected readonly settings = signal<ThresholdSettingsDto | null>(null);
  private readonly budgets = signal<BudgetDto[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly pending = signal<PendingAction | null>(null);
  protected readonly globalForm = signal<ThresholdDraft>(globalDraft(DEFAULT_ANOMALY_THRESHOLDS));
  protected readonly editing = signal<string | null>(null);
  protected readonly budgetForm = signal<ThresholdDraft>(overrideDraft({}));

  protected readonly rows = computed(() => {
    const settings = this.settings();
    return settings ? thresholdRows(settings, this.budgets()) : [];
  });
  protected readonly globalErrors = computed(() => fieldErrors(this.globalForm(), true));
  protected readonly globalValid = computed(() =>
    Object.values(this.globalErrors()).every((e) => e === null),
  );
  protected readonly budgetErrors = computed(() => fieldErrors(this.budgetForm(), false));
  protected readonly budgetValid = computed(() =>
    Object.values(this.budgetErrors()).every((e) => e === null),
  );

  ngOnInit(): void {
    void this.load();
  }

  protected async load(): Promise<void> {
    this.error.set(null);
    this.settings.set(null);
    try {
      const [settings, budgets] = await Promise.all([
        this.api.fetchThresholds(),
        // The labels are a comfort: the table works without them.
        this.api.fetchBudgets().catch(() => null),
      ]);
      this.budgets.set(budgets);
      this.show(settings);
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    }
  }

  protected globalPlaceholder(key: AnomalyThresholdKey): string {
    const value = this.settings()?.global[key];
    return value === undefined ? '' : `globale : ${value}`;
  }

  protected format(key: AnomalyThresholdKey, value: number): string {
    return formatThreshold(key, value);
  }

  protected setGlobal(key: AnomalyThresholdKey, event: Event): void {
    const value = fieldValue(event);
    this.globalForm.update((f) => ({ ...f, [key]: value }));
  }

  protected setBudget(key: AnomalyThresholdKey, event: Event): void {
    const value = fieldValue(event);
    this.budgetForm.update((f) => ({ ...f, [key]: value }));
  }

  protected clearBudgetForm(): void {
    this.budgetForm.set(overrideDraft({}));
  }

  protected startEdit(row: ThresholdRow): void {
    const entry = this.settings()?.budgets.find((b) => b.budgetCode === row.budgetCode);
    this.budgetForm.set(overrideDraft(entry?.overrides ?? {}));
    this.editing.set(row.budgetCode);
  }

  protected async saveGlobal(): Promise<void> {
    const result = thresholdRequest('global', this.globalForm());
    if (result.ok) {
      await this.save(result.request, 'Valeurs globales enregistrées.');
    }
  }

  protected async saveBudget(row: ThresholdRow): Promise<void> {
    const result = thresholdRequest(row.budgetCode, this.budgetForm());
    if (
      result.ok &&
      (await this.save(result.request, `Seuils du budget ${row.budgetCode} enregistrés.`))
    ) {
      this.editing.set(null);
    }
  }

  protected askRemove(row: ThresholdRow, key: AnomalyThresholdKey): void {
    const global = this.settings()?.global[key];
    this.pending.set({
      heading: `Retirer la valeur propre du budget ${row.budgetCode}`,
      lines: [
        `« ${ANOMALY_THRESHOLD_SETTINGS[key].label} » reprendra la valeur globale${
          global === undefined ? '' : ` (${formatThreshold(key, global)})`
        }.`,
        'Les anomalies seront recalculées.',
      ],
      confirmLabel: 'Retirer',
      danger: false,
      run: async () => {
        await this.save(
          removeOverrideRequest(row.budgetCode, key),
          `Le budget ${row.budgetCode} reprend la valeur globale.`,
        );
      },
    });
  }

  protected async confirm(): Promise<void> {
    const action = this.pending();
    if (action) {
      await action.run();
      this.pending.set(null);
    }
  }

  /** Sends, then shows what the API answers; true when saved. */
  private async save(request: UpdateThresholdsRequest, done: string): Promise<boolean> {
    this.busy.set(true);
    this.actionError.set(null);
    this.notice.set(null);
    try {
      this.show(await this.api.updateThresholds(request));
      this.notice.set(`${done} ${RECOMPUTED}`);
      return true;
    } catch (error) {
      this.actionError.set(apiErrorMessage(error));
      return false;
    } finally {
      this.busy.set(false);
    }
  }

  private show(settings: ThresholdSettingsDto): void {
    this.settings.set(settings);
    this.globalForm.set(globalDraft(settings.global));
  }
}

function fieldErrors(
  draft: ThresholdDraft,
  required: boolean,
): Record<AnomalyThresholdKey, string | null> {
  return Object.fromEntries(
    ANOMALY_THRESHOLD_KEYS.map((key) => [key, thresholdFieldError(key, draft[key], required)]),
  ) as Record<AnomalyThresholdKey, string | null>;
}
