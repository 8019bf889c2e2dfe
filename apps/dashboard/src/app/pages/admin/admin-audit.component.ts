import type { AuditPageDto } from '@cd31/contracts';
import { FrDateTimePipe } from '@cd31/ui';
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
  AUDIT_ACTION_PREFIXES,
  AUDIT_PAGE_SIZE,
  auditFilterQuery,
  auditFiltersError,
  auditJson,
  auditPageQuery,
  EMPTY_AUDIT_FILTERS,
  outcomeLabel,
  pageLabel,
  type AuditFilters,
} from './audit';

/** The append-only audit trail: search, pages, before/after, CSV export of the same search. */
@Component({
  selector: 'cd31-admin-audit',
  imports: [FrDateTimePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2>Journal d’audit</h2>
    <p class="hint">
      Chaque connexion et chaque modification, dans l’ordre inverse. Le journal ne peut être ni
      modifié ni effacé.
    </p>

    <form
      role="search"
      class="card audit-filters"
      aria-label="Rechercher dans le journal d’audit"
      (submit)="$event.preventDefault(); search()"
    >
      <div class="form-grid">
        <div class="field">
          <label for="audit-action">Action (début du code)</label>
          <input
            id="audit-action"
            type="text"
            list="audit-actions"
            placeholder="settings."
            [value]="draft().action"
            (input)="setFilter('action', $event)"
          />
          <datalist id="audit-actions">
            @for (prefix of prefixes; track prefix.value) {
              <option [value]="prefix.value">{{ prefix.label }}</option>
            }
          </datalist>
        </div>
        <div class="field">
          <label for="audit-actor">Utilisateur (e-mail)</label>
          <input
            id="audit-actor"
            type="text"
            [value]="draft().actor"
            (input)="setFilter('actor', $event)"
          />
        </div>
        <div class="field">
          <label for="audit-from">Du</label>
          <input
            id="audit-from"
            type="date"
            [value]="draft().from"
            (input)="setFilter('from', $event)"
          />
        </div>
        <div class="field">
          <label for="audit-to">Au</label>
          <input id="audit-to" type="date" [value]="draft().to" (input)="setFilter('to', $event)" />
        </div>
      </div>
      <p class="field-error" aria-live="polite">{{ draftError() ?? '' }}</p>
      <div class="actions">
        <button type="submit" class="btn btn-primary" [disabled]="draftError() !== null">
          Rechercher
        </button>
        <button type="button" class="btn" (click)="clear()">Effacer les filtres</button>
        <a class="btn" [href]="exportUrl()" download>Exporter en CSV</a>
      </div>
    </form>

    @if (error(); as message) {
      <div class="alert alert-error" role="alert">
        {{ message }}
        <button type="button" class="btn" (click)="reload()">Réessayer</button>
      </div>
    } @else if (page() === null) {
      <p class="loading" role="status">Chargement du journal…</p>
    } @else if (page()?.rows?.length === 0) {
      <p class="empty">Aucun évènement ne correspond à cette recherche.</p>
    } @else {
      <div class="table-scroll">
        <table class="data-table audit">
          <caption>
            Évènements
            {{
              range()
            }}
          </caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Utilisateur</th>
              <th scope="col">Action</th>
              <th scope="col">Objet</th>
              <th scope="col">Identifiant</th>
              <th scope="col">Adresse</th>
              <th scope="col">Résultat</th>
              <th scope="col">Avant / après</th>
            </tr>
          </thead>
          <tbody>
            @for (event of page()?.rows; track event.id) {
              <tr>
                <td class="nowrap">{{ event.at | frDateTime }}</td>
                <td>{{ event.actorEmail ?? '—' }}</td>
                <td class="mono">{{ event.action }}</td>
                <td>{{ event.targetType ?? '' }}</td>
                <td class="mono">{{ event.targetId ?? '' }}</td>
                <td class="mono">{{ event.ip ?? '' }}</td>
                <td>
                  <span class="badge" [class.badge-failure]="event.outcome !== 'success'">{{
                    outcome(event.outcome)
                  }}</span>
                </td>
                <td>
                  @if (json(event.before) !== null || json(event.after) !== null) {
                    <details>
                      <summary>Détails</summary>
                      @if (json(event.before); as before) {
                        <p class="json-title">Avant</p>
                        <pre>{{ before }}</pre>
                      }
                      @if (json(event.after); as after) {
                        <p class="json-title">Après</p>
                        <pre>{{ after }}</pre>
                      }
                    </details>
                  }
                </td>
              </tr>
            }
          </tbody>
        </table>
      </div>
      <nav class="actions" aria-label="Pages du journal">
        <button type="button" class="btn" [disabled]="offset() === 0" (click)="go(-1)">
          Précédent
        </button>
        <span aria-live="polite">{{ range() }}</span>
        <button type="button" class="btn" [disabled]="!hasNext()" (click)="go(1)">Suivant</button>
      </nav>
    }
  `,
  styles: `
    .nowrap {
      white-space: nowrap;
    }
    .badge-failure {
      background: var(--danger-bg);
      color: var(--danger);
    }
    details summary {
      cursor: pointer;
      color: var(--brand);
    }
    pre {
      max-width: 32rem;
      max-height: 20rem;
      overflow: auto;
      font-size: 0.8rem;
      background: #f8fafc;
      border: 1px solid var(--border);
      padding: 0.5rem;
      margin: 0.25rem 0;
    }
    .json-title {
      margin: 0.5rem 0 0;
      font-weight: 600;
      font-size: 0.85rem;
    }
  `,
})
export class AdminAuditComponent implements OnInit {
  private readonly api = inject(ApiService);
  protected readonly prefixes = AUDIT_ACTION_PREFIXES;
  /** What is typed; `applied` is what the table and the export show. */
  protected readonly draft = signal<AuditFilters>(EMPTY_AUDIT_FILTERS);
  private readonly applied = signal<AuditFilters>(EMPTY_AUDIT_FILTERS);
  protected readonly offset = signal(0);
  protected readonly page = signal<AuditPageDto | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly draftError = computed(() => auditFiltersError(this.draft()));
  protected readonly exportUrl = computed(() =>
    this.api.auditExportUrl(auditFilterQuery(this.applied())),
  );
  protected readonly range = computed(() => {
    const page = this.page();
    return page ? pageLabel(this.offset(), page.rows.length, page.total) : '';
  });
  protected readonly hasNext = computed(() => {
    const page = this.page();
    return page !== null && this.offset() + page.rows.length < page.total;
  });

  ngOnInit(): void {
    void this.reload();
  }

  protected setFilter(field: keyof AuditFilters, event: Event): void {
    const value = fieldValue(event);
    this.draft.update((f) => ({ ...f, [field]: value }));
  }

  protected async search(): Promise<void> {
    if (this.draftError()) {
      return;
    }
    this.applied.set(this.draft());
    this.offset.set(0);
    await this.reload();
  }

  protected async clear(): Promise<void> {
    this.draft.set(EMPTY_AUDIT_FILTERS);
    await this.search();
  }

  protected async go(direction: -1 | 1): Promise<void> {
    this.offset.update((o) => Math.max(0, o + direction * AUDIT_PAGE_SIZE));
    await this.reload();
  }

  protected async reload(): Promise<void> {
    this.error.set(null);
    this.page.set(null);
    try {
      this.page.set(await this.api.fetchAuditEvents(auditPageQuery(this.applied(), this.offset())));
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    }
  }

  protected outcome(value: string): string {
    return outcomeLabel(value);
  }

  protected json(value: unknown): string | null {
    return auditJson(value);
  }
}
