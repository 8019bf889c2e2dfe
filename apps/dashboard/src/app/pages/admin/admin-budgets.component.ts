import type { BudgetDto } from '@cd31/contracts';
import { BUDGET_LABEL_MAX_LENGTH } from '@cd31/domain';
import { FrDatePipe } from '@cd31/ui';
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
import { FormatSiretPipe } from '../budgets/format-siret.pipe';
import { fieldValue, type PendingAction } from './admin-shared';
import {
  budgetFormErrors,
  budgetLabelError,
  createBudgetRequest,
  EMPTY_BUDGET_FORM,
  type BudgetForm,
} from './budgets';
import { AdminSectionStatusComponent } from './admin-section-status.component';
import { PendingActionDialogComponent } from './pending-action-dialog.component';

/** The budgets: rename, activate or deactivate, add one (SIRET checked before sending). */
@Component({
  selector: 'cd31-admin-budgets',
  imports: [AdminSectionStatusComponent, PendingActionDialogComponent, FormatSiretPipe, FrDatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2>Budgets</h2>
    <p class="hint">
      Chaque budget ASTRE et le SIRET Chorus Pro auquel les fournisseurs adressent ses factures. Un
      budget inactif n’est plus synchronisé.
    </p>

    <cd31-admin-section-status
      [notice]="notice()"
      [actionError]="actionError()"
      [error]="error()"
      [loading]="budgets() === null"
      loadingText="Chargement des budgets…"
      (retry)="load()"
    />
    @if (budgets()?.length === 0) {
      <p class="empty">Aucun budget n’est défini : ajoutez le premier ci-dessous.</p>
    } @else if (budgets() !== null) {
      <div class="table-scroll">
        <table class="data-table">
          <caption>
            {{
              budgets()?.length
            }}
            budgets
          </caption>
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Libellé</th>
              <th scope="col">SIRET Chorus Pro</th>
              <th scope="col">État</th>
              <th scope="col">Modifié le</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            @for (budget of budgets(); track budget.code) {
              <tr>
                <td>
                  <strong>{{ budget.code }}</strong>
                </td>
                <td>
                  @if (editing()?.code === budget.code) {
                    <form class="inline-edit" (submit)="$event.preventDefault(); saveLabel(budget)">
                      <label class="sr-only" [for]="'budget-label-' + budget.code"
                        >Libellé du budget {{ budget.code }}</label
                      >
                      <input
                        [id]="'budget-label-' + budget.code"
                        type="text"
                        [maxLength]="labelMax"
                        [value]="editing()?.label ?? ''"
                        (input)="editLabel($event)"
                        [attr.aria-invalid]="editError() !== null"
                        [attr.aria-describedby]="'budget-label-error-' + budget.code"
                      />
                      <button type="submit" class="btn btn-small btn-primary" [disabled]="busy()">
                        Enregistrer
                      </button>
                      <button type="button" class="btn btn-small" (click)="cancelEdit()">
                        Annuler
                      </button>
                      <p class="field-error" [id]="'budget-label-error-' + budget.code">
                        {{ editError() ?? '' }}
                      </p>
                    </form>
                  } @else {
                    {{ budget.label }}
                  }
                </td>
                <td class="mono">{{ budget.siret | formatSiret }}</td>
                <td>
                  <span class="badge" [class.badge-muted]="!budget.active">{{
                    budget.active ? 'Actif' : 'Inactif'
                  }}</span>
                </td>
                <td>{{ budget.updatedAt | frDate }}</td>
                <td>
                  <div class="row-actions">
                    @if (editing()?.code !== budget.code) {
                      <button
                        type="button"
                        class="btn btn-small"
                        [attr.aria-label]="'Modifier le libellé du budget ' + budget.code"
                        (click)="startEdit(budget)"
                      >
                        Modifier le libellé
                      </button>
                    }
                    <button
                      type="button"
                      class="btn btn-small"
                      [class.btn-danger-outline]="budget.active"
                      [attr.aria-label]="
                        (budget.active ? 'Désactiver le budget ' : 'Réactiver le budget ') +
                        budget.code
                      "
                      (click)="askToggle(budget)"
                    >
                      {{ budget.active ? 'Désactiver' : 'Réactiver' }}
                    </button>
                  </div>
                </td>
              </tr>
            }
          </tbody>
        </table>
      </div>
    }

    <form class="card" novalidate (submit)="$event.preventDefault(); create()">
      <h3>Ajouter un budget</h3>
      <div class="form-grid">
        <div class="field">
          <label for="new-budget-code">Code ASTRE (2 chiffres)</label>
          <input
            id="new-budget-code"
            type="text"
            inputmode="numeric"
            maxlength="2"
            autocomplete="off"
            [value]="form().code"
            (input)="setForm('code', $event)"
            [attr.aria-invalid]="shown().code !== undefined"
            aria-describedby="new-budget-code-error"
          />
          <p class="field-error" id="new-budget-code-error">{{ shown().code ?? '' }}</p>
        </div>
        <div class="field">
          <label for="new-budget-label">Libellé</label>
          <input
            id="new-budget-label"
            type="text"
            [maxLength]="labelMax"
            [value]="form().label"
            (input)="setForm('label', $event)"
            [attr.aria-invalid]="shown().label !== undefined"
            aria-describedby="new-budget-label-error"
          />
          <p class="field-error" id="new-budget-label-error">{{ shown().label ?? '' }}</p>
        </div>
        <div class="field">
          <label for="new-budget-siret">SIRET Chorus Pro</label>
          <input
            id="new-budget-siret"
            type="text"
            inputmode="numeric"
            autocomplete="off"
            placeholder="223 100 017 00423"
            [value]="form().siret"
            (input)="setForm('siret', $event)"
            [attr.aria-invalid]="shown().siret !== undefined"
            aria-describedby="new-budget-siret-error"
          />
          <p class="field-error" id="new-budget-siret-error">{{ shown().siret ?? '' }}</p>
        </div>
      </div>
      @if (createError(); as message) {
        <div class="alert alert-error" role="alert">{{ message }}</div>
      }
      <div class="actions">
        <button type="submit" class="btn btn-primary" [disabled]="busy()">Ajouter le budget</button>
      </div>
    </form>

    <cd31-pending-action-dialog
      [action]="pending()"
      [busy]="busy()"
      (confirmed)="confirm()"
      (cancelled)="pending.set(null)"
    />
  `,
  styles: `
    .inline-edit {
      display: flex;
      flex-wrap: wrap;
      gap: 0.35rem;
      align-items: center;
    }
    .inline-edit .field-error {
      flex-basis: 100%;
    }
  `,
})
export class AdminBudgetsComponent implements OnInit {
  private readonly api = inject(ApiService);
  protected readonly labelMax = BUDGET_LABEL_MAX_LENGTH;
  protected readonly budgets = signal<BudgetDto[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly editing = signal<{ code: string; label: string } | null>(null);
  protected readonly editError = signal<string | null>(null);
  protected readonly form = signal<BudgetForm>(EMPTY_BUDGET_FORM);
  protected readonly submitted = signal(false);
  protected readonly createError = signal<string | null>(null);
  protected readonly pending = signal<PendingAction | null>(null);
  /** Errors are shown once the person tried to send the form. */
  protected readonly shown = computed(() =>
    this.submitted() ? budgetFormErrors(this.form()) : {},
  );

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

  protected startEdit(budget: BudgetDto): void {
    this.editError.set(null);
    this.editing.set({ code: budget.code, label: budget.label });
  }

  protected editLabel(event: Event): void {
    const label = fieldValue(event);
    this.editing.update((e) => (e ? { ...e, label } : e));
  }

  protected cancelEdit(): void {
    this.editing.set(null);
    this.editError.set(null);
  }

  protected async saveLabel(budget: BudgetDto): Promise<void> {
    const edit = this.editing();
    if (!edit) {
      return;
    }
    const problem = budgetLabelError(edit.label);
    this.editError.set(problem);
    if (problem) {
      return;
    }
    if (edit.label.trim() === budget.label) {
      this.cancelEdit();
      return;
    }
    this.busy.set(true);
    try {
      this.replace(await this.api.updateBudget(budget.code, { label: edit.label.trim() }));
      this.editing.set(null);
      this.notice.set(`Libellé du budget ${budget.code} enregistré.`);
    } catch (error) {
      this.editError.set(apiErrorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected askToggle(budget: BudgetDto): void {
    const activate = !budget.active;
    this.pending.set({
      heading: activate
        ? `Réactiver le budget ${budget.code} — ${budget.label}`
        : `Désactiver le budget ${budget.code} — ${budget.label}`,
      lines: activate
        ? ['Ses factures seront de nouveau synchronisées depuis Chorus Pro.']
        : [
            'Ses factures ne seront plus synchronisées depuis Chorus Pro tant qu’il restera inactif.',
            'Les factures et anomalies déjà connues sont conservées.',
          ],
      confirmLabel: activate ? 'Réactiver' : 'Désactiver',
      danger: !activate,
      run: async () => {
        this.replace(await this.api.updateBudget(budget.code, { active: activate }));
        this.notice.set(
          activate ? `Budget ${budget.code} réactivé.` : `Budget ${budget.code} désactivé.`,
        );
      },
    });
  }

  protected async confirm(): Promise<void> {
    const action = this.pending();
    if (!action) {
      return;
    }
    this.busy.set(true);
    this.actionError.set(null);
    this.notice.set(null);
    try {
      await action.run();
    } catch (error) {
      this.actionError.set(apiErrorMessage(error));
    } finally {
      this.busy.set(false);
      this.pending.set(null);
    }
  }

  protected setForm(field: keyof BudgetForm, event: Event): void {
    const value = fieldValue(event);
    this.form.update((f) => ({ ...f, [field]: value }));
  }

  protected async create(): Promise<void> {
    this.submitted.set(true);
    this.createError.set(null);
    this.notice.set(null);
    const request = createBudgetRequest(this.form());
    if (!request) {
      return;
    }
    this.busy.set(true);
    try {
      const created = await this.api.createBudget(request);
      this.budgets.update((list) =>
        [...(list ?? []), created].sort((a, b) => a.code.localeCompare(b.code)),
      );
      this.form.set(EMPTY_BUDGET_FORM);
      this.submitted.set(false);
      this.notice.set(`Budget ${created.code} — ${created.label} ajouté.`);
    } catch (error) {
      this.createError.set(apiErrorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  private replace(updated: BudgetDto): void {
    this.budgets.update(
      (list) => list?.map((b) => (b.code === updated.code ? updated : b)) ?? null,
    );
  }
}
