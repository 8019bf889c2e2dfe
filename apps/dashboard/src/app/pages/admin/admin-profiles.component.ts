import type { AstreImportKind, AstreImportProfileDto } from '@cd31/contracts';
import { FrDateTimePipe } from '@cd31/ui';
import { ChangeDetectionStrategy, Component, inject, signal, type OnInit } from '@angular/core';
import { apiErrorMessage } from '../../core/api-error';
import { ApiService } from '../../core/api.service';
import { fieldValue } from './admin-shared';
import {
  ENCODING_OPTIONS,
  fieldLabel,
  isRequiredField,
  PROFILE_KIND_LABELS,
  profileDraft,
  profileErrors,
  profileFields,
  profileUpdate,
  SEPARATOR_OPTIONS,
  type ProfileDraft,
} from './profiles';
import { AdminSectionStatusComponent } from './admin-section-status.component';

interface ProfileState {
  readonly draft: ProfileDraft;
  readonly updatedAt: string;
  readonly errors: readonly string[];
  readonly message: string | null;
  readonly failure: string | null;
}

/** How ASTRE exports are read: separator, encoding and the headers each field may carry. */
@Component({
  selector: 'cd31-admin-profiles',
  imports: [AdminSectionStatusComponent, FrDateTimePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2>Profils d’import ASTRE</h2>
    <p class="hint">
      Comment lire les exports ASTRE. Les en-têtes sont comparés sans tenir compte des majuscules,
      des accents, des espaces ni de la ponctuation. Indiquez un en-tête par ligne.
    </p>

    <cd31-admin-section-status
      [error]="error()"
      [loading]="profiles() === null"
      loadingText="Chargement des profils…"
      (retry)="load()"
    />
    @if (profiles()?.length === 0) {
      <p class="empty">Aucun profil d’import n’est défini.</p>
    } @else if (profiles() !== null) {
      @for (profile of profiles(); track profile.draft.kind) {
        <form class="card" novalidate (submit)="$event.preventDefault(); save(profile.draft.kind)">
          <h3>{{ kindLabels[profile.draft.kind] }}</h3>
          <p class="hint">Modifié le {{ profile.updatedAt | frDateTime }}</p>
          <div class="form-grid">
            <div class="field">
              <label [for]="profile.draft.kind + '-separator'">Séparateur</label>
              <select
                [id]="profile.draft.kind + '-separator'"
                (change)="setSeparator(profile.draft.kind, $event)"
              >
                @for (option of separators; track option.value) {
                  <option
                    [value]="option.value"
                    [selected]="option.value === profile.draft.separator"
                  >
                    {{ option.label }}
                  </option>
                }
              </select>
            </div>
            <div class="field">
              <label [for]="profile.draft.kind + '-encoding'">Encodage</label>
              <select
                [id]="profile.draft.kind + '-encoding'"
                (change)="setEncoding(profile.draft.kind, $event)"
              >
                @for (option of encodings; track option.value) {
                  <option
                    [value]="option.value"
                    [selected]="option.value === profile.draft.encoding"
                  >
                    {{ option.label }}
                  </option>
                }
              </select>
            </div>
          </div>
          <h4>En-têtes reconnus pour chaque colonne</h4>
          <div class="form-grid">
            @for (field of fields(profile.draft); track field) {
              <div class="field">
                <label [for]="profile.draft.kind + '-' + field">
                  {{ label(profile.draft.kind, field) }}
                  @if (required(profile.draft.kind, field)) {
                    <span class="required">(obligatoire)</span>
                  }
                </label>
                <textarea
                  [id]="profile.draft.kind + '-' + field"
                  rows="3"
                  [value]="profile.draft.aliases[field]"
                  (input)="setAliases(profile.draft.kind, field, $event)"
                ></textarea>
              </div>
            }
          </div>
          @if (profile.errors.length > 0) {
            <ul class="errors" aria-live="polite">
              @for (message of profile.errors; track $index) {
                <li>{{ message }}</li>
              }
            </ul>
          }
          @if (profile.failure; as message) {
            <div class="alert alert-error" role="alert">{{ message }}</div>
          }
          @if (profile.message; as message) {
            <p class="notice" role="status">{{ message }}</p>
          }
          <div class="actions">
            <button
              type="submit"
              class="btn btn-primary"
              [disabled]="busy() || profile.errors.length > 0"
            >
              Enregistrer le profil « {{ profile.draft.kind }} »
            </button>
          </div>
        </form>
      }
    }
  `,
  styles: `
    h4 {
      font-size: 0.95rem;
      margin: 1rem 0 0.5rem;
    }
    .required {
      font-weight: 400;
      color: var(--muted);
      font-size: 0.8rem;
    }
  `,
})
export class AdminProfilesComponent implements OnInit {
  private readonly api = inject(ApiService);
  protected readonly kindLabels = PROFILE_KIND_LABELS;
  protected readonly separators = SEPARATOR_OPTIONS;
  protected readonly encodings = ENCODING_OPTIONS;
  protected readonly profiles = signal<ProfileState[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly busy = signal(false);

  ngOnInit(): void {
    void this.load();
  }

  protected async load(): Promise<void> {
    this.error.set(null);
    this.profiles.set(null);
    try {
      const profiles = await this.api.fetchAstreImportProfiles();
      this.profiles.set(profiles.map((p) => stateOf(p, null)));
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    }
  }

  protected fields(draft: ProfileDraft): string[] {
    return profileFields(draft);
  }

  protected label(kind: AstreImportKind, field: string): string {
    return fieldLabel(kind, field);
  }

  protected required(kind: AstreImportKind, field: string): boolean {
    return isRequiredField(kind, field);
  }

  protected setSeparator(kind: AstreImportKind, event: Event): void {
    const value = fieldValue(event);
    const option = SEPARATOR_OPTIONS.find((o) => o.value === value);
    if (option) {
      this.edit(kind, (d) => ({ ...d, separator: option.value }));
    }
  }

  protected setEncoding(kind: AstreImportKind, event: Event): void {
    const value = fieldValue(event);
    const option = ENCODING_OPTIONS.find((o) => o.value === value);
    if (option) {
      this.edit(kind, (d) => ({ ...d, encoding: option.value }));
    }
  }

  protected setAliases(kind: AstreImportKind, field: string, event: Event): void {
    const value = fieldValue(event);
    this.edit(kind, (d) => ({ ...d, aliases: { ...d.aliases, [field]: value } }));
  }

  protected async save(kind: AstreImportKind): Promise<void> {
    const state = this.profiles()?.find((p) => p.draft.kind === kind);
    if (!state || state.errors.length > 0) {
      return;
    }
    this.busy.set(true);
    this.patch(kind, (s) => ({ ...s, message: null, failure: null }));
    try {
      const saved = await this.api.updateAstreImportProfile(kind, profileUpdate(state.draft));
      const mine = saved.find((p) => p.kind === kind);
      // Only this profile is refreshed: unsaved edits of the other one are kept.
      if (mine) {
        this.patch(kind, () =>
          stateOf(mine, 'Profil enregistré : il s’applique aux prochains imports.'),
        );
      }
    } catch (error) {
      this.patch(kind, (s) => ({ ...s, failure: apiErrorMessage(error) }));
    } finally {
      this.busy.set(false);
    }
  }

  private edit(kind: AstreImportKind, change: (draft: ProfileDraft) => ProfileDraft): void {
    this.patch(kind, (s) => {
      const draft = change(s.draft);
      return { ...s, draft, errors: profileErrors(draft), message: null };
    });
  }

  private patch(kind: AstreImportKind, change: (state: ProfileState) => ProfileState): void {
    this.profiles.update(
      (list) => list?.map((s) => (s.draft.kind === kind ? change(s) : s)) ?? null,
    );
  }
}

function stateOf(profile: AstreImportProfileDto, message: string | null): ProfileState {
  const draft = profileDraft(profile);
  return {
    draft,
    updatedAt: profile.updatedAt,
    errors: profileErrors(draft),
    message,
    failure: null,
  };
}
