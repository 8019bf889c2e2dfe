import type { RecyclePreviewDto, RecycleTemplatesDto } from '@cd31/contracts';
import {
  ANOMALY_CATALOGUE,
  RECYCLE_ANOMALY_CODES,
  RECYCLE_COMMENT_KIND_LABELS,
  RECYCLE_COMMENT_KINDS,
  RECYCLE_COMMENT_MAX_LENGTH,
  RECYCLE_PLACEHOLDERS,
  validateRecycleTemplates,
  type RecycleAnomalyCode,
  type RecycleCommentKind,
  type RecycleCommentTemplates,
  type RecyclePlaceholder,
} from '@cd31/domain';
import { ConfirmDialogComponent } from '@cd31/ui';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  signal,
  untracked,
  type OnInit,
} from '@angular/core';
import { apiErrorMessage } from '../../core/api-error';
import { ApiService } from '../../core/api.service';
import { fieldValue } from './admin-shared';
import {
  addVariant,
  DEFAULT_PREVIEW_ANOMALIES,
  lengthCounter,
  moveVariant,
  placeholdersFor,
  PREVIEW_DEBOUNCE_MS,
  previewRequest,
  removeVariant,
  sameTemplates,
  setMaxListedServices,
  setText,
  setVariant,
  TEMPLATE_TEXT_FIELDS,
  toggleAnomaly,
  type TemplateTextField,
} from './templates';
import { AdminSectionStatusComponent } from './admin-section-status.component';

export const PLACEHOLDER_DESCRIPTIONS: Readonly<Record<RecyclePlaceholder, string>> = {
  siret_errone: 'le SIRET destinataire porté par la facture',
  siret_attendu: 'le SIRET du budget qui porte l’engagement',
  budget_attendu: 'le libellé de ce budget',
  code_service: 'le code service porté par la facture',
  services: 'les codes service valides du budget',
  engagement: 'le numéro d’engagement tel que saisi',
  engagement_suggere: 'le numéro d’engagement corrigé',
};

/**
 * The recycle-comment templates: the texts around the requests, each kind's variants (most
 * detailed first), a live preview computed by the API for a chosen set of anomalies.
 */
@Component({
  selector: 'cd31-admin-templates',
  imports: [AdminSectionStatusComponent, ConfirmDialogComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2>Modèles de commentaire de recyclage</h2>
    <p class="hint">
      Le commentaire que lit le fournisseur quand une facture lui est renvoyée « à recycler ». Pour
      chaque cas, les variantes vont de la plus détaillée à la plus courte : la plus détaillée qui
      tient en {{ maxLength }} caractères est utilisée.
    </p>

    <cd31-admin-section-status
      [notice]="notice()"
      [actionError]="actionError()"
      [error]="error()"
      [loading]="draft() === null"
      loadingText="Chargement des modèles…"
      (retry)="load()"
    />
    @if (draft(); as templates) {
      <div class="templates-layout">
        <form class="editor" novalidate (submit)="$event.preventDefault(); save()">
          <fieldset>
            <legend>Texte commun</legend>
            <p class="hint">Les espaces au début et à la fin de chaque texte comptent.</p>
            @for (field of textFields; track field.key) {
              <div class="field">
                <label [for]="'tpl-' + field.key">{{ field.label }}</label>
                <input
                  [id]="'tpl-' + field.key"
                  type="text"
                  class="mono"
                  [value]="templates[field.key]"
                  (input)="editText(field.key, $event)"
                />
              </div>
            }
            <div class="field">
              <label for="tpl-max-services">Nombre maximal de codes service listés</label>
              <input
                id="tpl-max-services"
                type="number"
                min="0"
                max="50"
                step="1"
                [value]="templates.maxListedServices"
                (input)="editMaxServices($event)"
                aria-describedby="tpl-max-services-hint"
              />
              <p class="hint" id="tpl-max-services-hint">
                Les codes valides sont cités seulement si le budget en a au plus autant (0 :
                jamais).
              </p>
            </div>
          </fieldset>

          <details class="placeholders">
            <summary>Variables utilisables</summary>
            <dl>
              @for (name of placeholders; track name) {
                <div>
                  <dt class="mono">{{ '{' + name + '}' }}</dt>
                  <dd>{{ descriptions[name] }}</dd>
                </div>
              }
            </dl>
          </details>

          @for (kind of kinds; track kind) {
            <fieldset>
              <legend>{{ kindLabels[kind] }}</legend>
              <p class="hint">
                Variables : <span class="mono">{{ placeholdersOf(kind) }}</span
                >. La dernière variante n’en contient aucune.
              </p>
              @for (variant of templates.parts[kind]; track $index; let i = $index, last = $last) {
                <div class="variant">
                  <label [for]="'tpl-' + kind + '-' + i">Variante {{ i + 1 }}</label>
                  <textarea
                    [id]="'tpl-' + kind + '-' + i"
                    rows="2"
                    [value]="variant"
                    (input)="editVariant(kind, i, $event)"
                  ></textarea>
                  <div class="row-actions">
                    <button
                      type="button"
                      class="btn btn-small"
                      [disabled]="i === 0"
                      [attr.aria-label]="
                        'Monter la variante ' + (i + 1) + ' de « ' + kindLabels[kind] + ' »'
                      "
                      (click)="move(kind, i, -1)"
                    >
                      Monter
                    </button>
                    <button
                      type="button"
                      class="btn btn-small"
                      [disabled]="last"
                      [attr.aria-label]="
                        'Descendre la variante ' + (i + 1) + ' de « ' + kindLabels[kind] + ' »'
                      "
                      (click)="move(kind, i, 1)"
                    >
                      Descendre
                    </button>
                    <button
                      type="button"
                      class="btn btn-small btn-danger-outline"
                      [disabled]="templates.parts[kind].length === 1"
                      [attr.aria-label]="
                        'Supprimer la variante ' + (i + 1) + ' de « ' + kindLabels[kind] + ' »'
                      "
                      (click)="remove(kind, i)"
                    >
                      Supprimer
                    </button>
                  </div>
                </div>
              }
              <button type="button" class="btn btn-small" (click)="add(kind)">
                Ajouter une variante
              </button>
            </fieldset>
          }

          @if (errors().length > 0) {
            <div aria-live="polite">
              <p class="field-error">À corriger avant d’enregistrer :</p>
              <ul class="errors">
                @for (message of errors(); track $index) {
                  <li>{{ message }}</li>
                }
              </ul>
            </div>
          }

          <div class="actions">
            <button
              type="submit"
              class="btn btn-primary"
              [disabled]="busy() || errors().length > 0 || !dirty()"
            >
              Enregistrer les modèles
            </button>
            @if (dirty()) {
              <button type="button" class="btn" (click)="revert()">
                Annuler les modifications
              </button>
            }
            <button
              type="button"
              class="btn btn-danger-outline"
              (click)="confirmingReset.set(true)"
            >
              Rétablir les modèles par défaut
            </button>
          </div>
        </form>

        <aside class="preview card" aria-labelledby="preview-title">
          <h3 id="preview-title">Aperçu</h3>
          <fieldset>
            <legend>Anomalies de l’exemple</legend>
            <div class="checks vertical">
              @for (code of anomalyCodes; track code) {
                <label>
                  <input
                    type="checkbox"
                    [checked]="anomalies().includes(code)"
                    (change)="toggle(code)"
                  />
                  {{ anomalyLabel(code) }}
                </label>
              }
            </div>
          </fieldset>
          <p class="hint">
            Exemple fictif : facture adressée au SIRET 223 100 017 00423, engagement «
            cp2025/x123456/1 », code service « SERV-X ».
          </p>
          <div aria-live="polite">
            @if (anomalies().length === 0) {
              <p class="empty">Cochez au moins une anomalie pour voir le commentaire.</p>
            } @else if (errors().length > 0) {
              <p class="empty">Corrigez les modèles pour voir l’aperçu.</p>
            } @else if (previewError(); as message) {
              <div class="alert alert-error" role="alert">{{ message }}</div>
            } @else if (preview(); as result) {
              @if (result.errors.length > 0) {
                <ul class="errors">
                  @for (message of result.errors; track $index) {
                    <li>{{ message }}</li>
                  }
                </ul>
              } @else if (result.text === null) {
                <p class="empty">Ces anomalies ne donnent aucun commentaire.</p>
              } @else {
                <blockquote class="preview-text">{{ result.text }}</blockquote>
                <p class="counter" [class.over]="result.length > maxLength">
                  {{ counter(result.length) }} caractères
                </p>
              }
            } @else {
              <p class="loading">Calcul de l’aperçu…</p>
            }
          </div>
        </aside>
      </div>
    }

    <cd31-confirm-dialog
      [open]="confirmingReset()"
      heading="Rétablir les modèles par défaut"
      confirmLabel="Rétablir et enregistrer"
      [danger]="true"
      [busy]="busy()"
      (confirmed)="resetToDefaults()"
      (cancelled)="confirmingReset.set(false)"
    >
      <p>
        Les modèles actuels seront remplacés par les modèles d’origine et enregistrés immédiatement.
        Les modifications faites ici seront perdues.
      </p>
    </cd31-confirm-dialog>
  `,
  styles: `
    .templates-layout {
      display: grid;
      grid-template-columns: minmax(0, 3fr) minmax(16rem, 2fr);
      gap: 1.25rem;
      align-items: start;
    }
    @media (max-width: 960px) {
      .templates-layout {
        grid-template-columns: 1fr;
      }
    }
    .preview {
      position: sticky;
      top: 1rem;
      margin: 0;
    }
    .field {
      margin-bottom: 0.6rem;
    }
    .variant {
      display: flex;
      flex-direction: column;
      gap: 0.25rem;
      margin-bottom: 0.75rem;
    }
    .variant label {
      font-weight: 600;
      font-size: 0.9rem;
    }
    .checks.vertical {
      flex-direction: column;
    }
    .preview-text {
      margin: 0.5rem 0;
      padding: 0.75rem 1rem;
      border-left: 4px solid var(--brand);
      background: #f8fafc;
      white-space: pre-wrap;
    }
    .counter {
      font-variant-numeric: tabular-nums;
      color: var(--muted);
    }
    .counter.over {
      color: var(--danger);
      font-weight: 700;
    }
    .placeholders {
      margin: 0 0 1rem;
    }
    .placeholders summary {
      cursor: pointer;
      font-weight: 600;
    }
    .placeholders dl div {
      display: flex;
      gap: 0.75rem;
      margin: 0.25rem 0;
    }
    .placeholders dd {
      margin: 0;
    }
  `,
})
export class AdminTemplatesComponent implements OnInit {
  private readonly api = inject(ApiService);
  protected readonly maxLength = RECYCLE_COMMENT_MAX_LENGTH;
  protected readonly textFields = TEMPLATE_TEXT_FIELDS;
  protected readonly kinds = RECYCLE_COMMENT_KINDS;
  protected readonly kindLabels = RECYCLE_COMMENT_KIND_LABELS;
  protected readonly placeholders = RECYCLE_PLACEHOLDERS;
  protected readonly descriptions = PLACEHOLDER_DESCRIPTIONS;
  protected readonly anomalyCodes = RECYCLE_ANOMALY_CODES;

  private readonly saved = signal<RecycleTemplatesDto | null>(null);
  protected readonly draft = signal<RecycleCommentTemplates | null>(null);
  protected readonly anomalies = signal<readonly RecycleAnomalyCode[]>(DEFAULT_PREVIEW_ANOMALIES);
  protected readonly preview = signal<RecyclePreviewDto | null>(null);
  protected readonly previewError = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly confirmingReset = signal(false);

  /** Checked in the browser with the domain's rules before anything is sent. */
  protected readonly errors = computed(() => {
    const draft = this.draft();
    return draft ? validateRecycleTemplates(draft) : [];
  });
  protected readonly dirty = computed(() => {
    const draft = this.draft();
    const saved = this.saved();
    return draft !== null && saved !== null && !sameTemplates(draft, saved.templates);
  });

  private timer: ReturnType<typeof setTimeout> | null = null;
  private sequence = 0;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.cancelPreview());
    // Live preview: each change waits a moment, then asks the API; late answers are dropped.
    effect(() => {
      const draft = this.draft();
      const request =
        draft && this.errors().length === 0 ? previewRequest(draft, this.anomalies()) : null;
      untracked(() => {
        this.cancelPreview();
        this.preview.set(null);
        this.previewError.set(null);
        if (request) {
          const sequence = ++this.sequence;
          this.timer = setTimeout(() => {
            this.timer = null;
            this.api.previewRecycleComment(request).then(
              (result) => {
                if (sequence === this.sequence) {
                  this.preview.set(result);
                }
              },
              (error: unknown) => {
                if (sequence === this.sequence) {
                  this.previewError.set(apiErrorMessage(error));
                }
              },
            );
          }, PREVIEW_DEBOUNCE_MS);
        }
      });
    });
  }

  ngOnInit(): void {
    void this.load();
  }

  protected async load(): Promise<void> {
    this.error.set(null);
    this.draft.set(null);
    try {
      const saved = await this.api.fetchRecycleTemplates();
      this.saved.set(saved);
      this.draft.set(saved.templates);
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    }
  }

  protected placeholdersOf(kind: RecycleCommentKind): string {
    return placeholdersFor(kind);
  }

  protected anomalyLabel(code: RecycleAnomalyCode): string {
    return ANOMALY_CATALOGUE[code].label;
  }

  protected counter(length: number): string {
    return lengthCounter(length);
  }

  protected editText(field: TemplateTextField, event: Event): void {
    const value = fieldValue(event);
    this.update((t) => setText(t, field, value));
  }

  protected editMaxServices(event: Event): void {
    const value = fieldValue(event);
    this.update((t) => setMaxListedServices(t, value));
  }

  protected editVariant(kind: RecycleCommentKind, index: number, event: Event): void {
    const value = fieldValue(event);
    this.update((t) => setVariant(t, kind, index, value));
  }

  protected add(kind: RecycleCommentKind): void {
    this.update((t) => addVariant(t, kind));
  }

  protected remove(kind: RecycleCommentKind, index: number): void {
    this.update((t) => removeVariant(t, kind, index));
  }

  protected move(kind: RecycleCommentKind, index: number, direction: -1 | 1): void {
    this.update((t) => moveVariant(t, kind, index, direction));
  }

  protected toggle(code: RecycleAnomalyCode): void {
    this.anomalies.update((selected) => toggleAnomaly(selected, code));
  }

  protected revert(): void {
    const saved = this.saved();
    if (saved) {
      this.draft.set(saved.templates);
      this.notice.set(null);
    }
  }

  protected async save(): Promise<void> {
    const draft = this.draft();
    if (!draft || this.errors().length > 0) {
      return;
    }
    await this.store(draft, 'Modèles enregistrés : ils servent dès le prochain commentaire.');
  }

  protected async resetToDefaults(): Promise<void> {
    const saved = this.saved();
    if (saved) {
      await this.store(saved.defaults, 'Les modèles par défaut sont rétablis et enregistrés.');
    }
    this.confirmingReset.set(false);
  }

  private async store(templates: RecycleCommentTemplates, done: string): Promise<void> {
    this.busy.set(true);
    this.actionError.set(null);
    this.notice.set(null);
    try {
      const saved = await this.api.updateRecycleTemplates(templates);
      this.saved.set(saved);
      this.draft.set(saved.templates);
      this.notice.set(done);
    } catch (error) {
      this.actionError.set(apiErrorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  private update(change: (t: RecycleCommentTemplates) => RecycleCommentTemplates): void {
    this.draft.update((t) => (t ? change(t) : t));
  }

  private cancelPreview(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
