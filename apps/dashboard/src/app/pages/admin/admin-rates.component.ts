import type { InterestRateRow } from '@cd31/domain';
import { ConfirmDialogComponent, FrDatePipe } from '@cd31/ui';
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
import { fieldValue } from './admin-shared';
import {
  addRow,
  formatRate,
  halfYearStartOf,
  legalRate,
  nextHalfYear,
  parseRate,
  ratesToSave,
  removeRow,
  toDraft,
  updateRate,
  type HalfYear,
  type RateDraftRow,
} from './interest-rates';
import { AdminSectionStatusComponent } from './admin-section-status.component';

/**
 * The ECB rate of each half-year, from which late-payment interest is computed (ECB + 8 points).
 * Edited in the browser, checked, then saved as a whole table after a confirmation.
 */
@Component({
  selector: 'cd31-admin-rates',
  imports: [AdminSectionStatusComponent, ConfirmDialogComponent, FrDatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2>Taux d’intérêt moratoire</h2>
    <p class="hint">
      Le taux de la BCE en vigueur au premier jour de chaque semestre ; le taux des intérêts
      moratoires est ce taux majoré de 8 points. Sans ligne pour un semestre, le dernier taux connu
      s’applique et le montant est signalé comme approché.
    </p>

    <cd31-admin-section-status
      [notice]="notice()"
      [actionError]="actionError()"
      [error]="error()"
      [loading]="draft() === null"
      loadingText="Chargement des taux…"
      (retry)="load()"
    />
    @if (draft() !== null) {
      @if (draft()?.length === 0) {
        <p class="empty">Aucun taux n’est défini : ajoutez au moins le semestre en cours.</p>
      } @else {
        <table class="data-table rates">
          <thead>
            <tr>
              <th scope="col">Début du semestre</th>
              <th scope="col">Taux BCE (%)</th>
              <th scope="col">Taux des intérêts moratoires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            @for (row of draft(); track row.halfYearStart) {
              <tr>
                <th scope="row">{{ row.halfYearStart | frDate }}</th>
                <td>
                  <input
                    type="text"
                    inputmode="decimal"
                    class="rate-input"
                    [attr.aria-label]="'Taux BCE au ' + (row.halfYearStart | frDate)"
                    [value]="row.ecbRate"
                    (input)="edit(row, $event)"
                    [attr.aria-invalid]="parse(row.ecbRate) === null"
                  />
                  <span class="unit">%</span>
                </td>
                <td class="num">{{ legal(row.ecbRate) }}</td>
                <td>
                  <button
                    type="button"
                    class="btn btn-small btn-danger-outline"
                    [attr.aria-label]="'Supprimer le semestre du ' + (row.halfYearStart | frDate)"
                    (click)="remove(row)"
                  >
                    Supprimer
                  </button>
                </td>
              </tr>
            }
          </tbody>
        </table>
      }

      <form class="card" novalidate (submit)="$event.preventDefault(); add()">
        <h3>Ajouter un semestre</h3>
        <div class="form-grid">
          <div class="field">
            <label for="rate-year">Année</label>
            <input
              id="rate-year"
              type="number"
              min="2000"
              max="2100"
              step="1"
              [value]="newYear()"
              (input)="newYear.set(fieldNumber($event))"
            />
          </div>
          <div class="field">
            <label for="rate-half">Semestre</label>
            <select id="rate-half" (change)="setHalf($event)">
              <option value="01-01" [selected]="newHalf() === '01-01'">
                1er semestre (au 1er janvier)
              </option>
              <option value="07-01" [selected]="newHalf() === '07-01'">
                2d semestre (au 1er juillet)
              </option>
            </select>
          </div>
          <div class="field">
            <label for="rate-value">Taux BCE (%)</label>
            <input
              id="rate-value"
              type="text"
              inputmode="decimal"
              placeholder="2,15"
              [value]="newRate()"
              (input)="newRate.set(value($event))"
              aria-describedby="rate-add-error"
            />
          </div>
        </div>
        <p class="field-error" id="rate-add-error" aria-live="polite">{{ addError() ?? '' }}</p>
        <div class="actions">
          <button type="submit" class="btn">Ajouter à la table</button>
        </div>
      </form>

      @if (check(); as result) {
        @if (!result.ok) {
          <div aria-live="polite">
            <p class="field-error">À corriger avant d’enregistrer :</p>
            <ul class="errors">
              @for (message of result.errors; track $index) {
                <li>{{ message }}</li>
              }
            </ul>
          </div>
        }
      }

      <div class="actions">
        <button
          type="button"
          class="btn btn-primary"
          [disabled]="busy() || !check().ok || !dirty()"
          (click)="confirming.set(true)"
        >
          Enregistrer la table des taux
        </button>
        @if (dirty()) {
          <button type="button" class="btn" (click)="revert()">Annuler les modifications</button>
        }
      </div>
    }

    <cd31-confirm-dialog
      [open]="confirming()"
      heading="Remplacer la table des taux"
      confirmLabel="Enregistrer"
      [danger]="true"
      [busy]="busy()"
      (confirmed)="save()"
      (cancelled)="confirming.set(false)"
    >
      <p>
        La table enregistrée sera remplacée par ces {{ draft()?.length ?? 0 }} semestres, puis les
        intérêts moratoires de toutes les factures seront recalculés.
      </p>
    </cd31-confirm-dialog>
  `,
  styles: `
    .rates {
      max-width: 48rem;
    }
    .rate-input {
      width: 6rem;
      text-align: right;
    }
  `,
})
export class AdminRatesComponent implements OnInit {
  private readonly api = inject(ApiService);
  private readonly saved = signal<readonly InterestRateRow[]>([]);
  protected readonly draft = signal<RateDraftRow[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly confirming = signal(false);
  protected readonly newYear = signal(new Date().getFullYear());
  protected readonly newHalf = signal<HalfYear>('01-01');
  protected readonly newRate = signal('');
  protected readonly addError = signal<string | null>(null);

  protected readonly check = computed(() => ratesToSave(this.draft() ?? []));
  protected readonly dirty = computed(() => {
    const result = this.check();
    const saved = [...this.saved()].sort((a, b) => a.halfYearStart.localeCompare(b.halfYearStart));
    return !result.ok || JSON.stringify(result.rows) !== JSON.stringify(saved);
  });

  ngOnInit(): void {
    void this.load();
  }

  protected async load(): Promise<void> {
    this.error.set(null);
    this.draft.set(null);
    try {
      this.show((await this.api.fetchInterestRates()).rows);
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    }
  }

  protected parse(raw: string): number | null {
    return parseRate(raw);
  }

  protected legal(raw: string): string {
    return formatRate(legalRate(parseRate(raw)));
  }

  protected value(event: Event): string {
    return fieldValue(event);
  }

  protected fieldNumber(event: Event): number {
    return Number(fieldValue(event));
  }

  protected setHalf(event: Event): void {
    this.newHalf.set(fieldValue(event) === '07-01' ? '07-01' : '01-01');
  }

  protected edit(row: RateDraftRow, event: Event): void {
    const value = fieldValue(event);
    this.draft.update((rows) => (rows ? updateRate(rows, row.halfYearStart, value) : rows));
  }

  protected remove(row: RateDraftRow): void {
    this.draft.update((rows) => (rows ? removeRow(rows, row.halfYearStart) : rows));
  }

  protected add(): void {
    const rows = this.draft() ?? [];
    const year = this.newYear();
    if (!Number.isInteger(year) || year < 2000 || year > 2100) {
      this.addError.set('L’année doit être comprise entre 2000 et 2100.');
      return;
    }
    const start = halfYearStartOf(year, this.newHalf());
    if (rows.some((r) => r.halfYearStart === start)) {
      this.addError.set('Ce semestre figure déjà dans la table : modifiez son taux.');
      return;
    }
    if (parseRate(this.newRate()) === null) {
      this.addError.set('Indiquez le taux BCE en pourcentage (par exemple 2,15).');
      return;
    }
    this.addError.set(null);
    const next = addRow(rows, start, this.newRate().trim());
    this.draft.set(next);
    this.prefillNext(next);
  }

  protected revert(): void {
    this.show(this.saved());
  }

  protected async save(): Promise<void> {
    const result = this.check();
    if (!result.ok) {
      this.confirming.set(false);
      return;
    }
    this.busy.set(true);
    this.actionError.set(null);
    this.notice.set(null);
    try {
      this.show((await this.api.replaceInterestRates(result.rows)).rows);
      this.notice.set('Table des taux enregistrée : les intérêts moratoires ont été recalculés.');
    } catch (error) {
      this.actionError.set(apiErrorMessage(error));
    } finally {
      this.busy.set(false);
      this.confirming.set(false);
    }
  }

  private show(rows: readonly InterestRateRow[]): void {
    this.saved.set(rows);
    const draft = toDraft(rows);
    this.draft.set(draft);
    this.prefillNext(draft);
  }

  private prefillNext(rows: readonly RateDraftRow[]): void {
    const next = nextHalfYear(rows);
    this.newYear.set(next.year);
    this.newHalf.set(next.half);
    this.newRate.set('');
  }
}
