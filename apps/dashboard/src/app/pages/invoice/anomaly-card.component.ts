import type { AnomalyDetailDto, AnomalyUpdateRequest } from '@cd31/contracts';
import {
  ACTOR_LABELS,
  ANOMALY_CATALOGUE,
  ANOMALY_STATE_LABELS,
  anomalyLabel,
  isAnomalyCode,
  MANUAL_ANOMALY_TRANSITIONS,
  manualTransitionError,
  manualTransitionRequiresComment,
  SEVERITY_DISPLAY,
  type AnomalyState,
} from '@cd31/domain';
import { FrDatePipe, FrDateTimePipe } from '@cd31/ui';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  output,
  signal,
} from '@angular/core';
import { apiErrorMessage } from '../../core/api-error';
import { ApiService } from '../../core/api.service';

/**
 * One anomaly of the invoice and its lifecycle: state, assignee, notes, history. Triage controls
 * only for who may triage; the state selector offers only the domain's manual transitions.
 */
@Component({
  selector: 'cd31-anomaly-card',
  imports: [FrDatePipe, FrDateTimePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let a = anomaly();
    <article class="card" [attr.aria-labelledby]="'anomaly-' + a.id">
      <header>
        <span class="chip" [style.background]="severity().colorHex">{{ severity().label }}</span>
        <h3 [id]="'anomaly-' + a.id">{{ label() }}</h3>
        <span class="state state-{{ a.state }}">{{ stateLabels[a.state] }}</span>
      </header>
      @if (description(); as text) {
        <p class="description">{{ text }}</p>
      }
      <dl class="facts">
        <div>
          <dt>À traiter par</dt>
          <dd>{{ actorLabels[a.actor] ?? a.actor }}</dd>
        </div>
        <div>
          <dt>Détectée le</dt>
          <dd>{{ a.firstDetectedAt | frDate }}</dd>
        </div>
        <div>
          <dt>Attribuée à</dt>
          <dd>{{ a.assignee?.displayName ?? 'personne' }}</dd>
        </div>
        @if (a.resolvedAt) {
          <div>
            <dt>Résolue le</dt>
            <dd>
              {{ a.resolvedAt | frDate }}
              @if (a.resolutionReason) {
                ({{ a.resolutionReason }})
              }
            </dd>
          </div>
        }
      </dl>

      @if (error(); as message) {
        <div class="alert alert-error" role="alert">{{ message }}</div>
      }

      @if (canTriage()) {
        <div class="triage">
          @if (a.assignee?.id !== currentUserId()) {
            <button type="button" class="btn" [disabled]="busy()" (click)="assign('me')">
              M'attribuer
            </button>
          }
          @if (a.assignee) {
            <button type="button" class="btn" [disabled]="busy()" (click)="assign(null)">
              Retirer l'attribution
            </button>
          }
          @if (transitions().length > 0) {
            <span class="inline">
              <label [for]="'state-' + a.id">Passer à l'état</label>
              <select [id]="'state-' + a.id" (change)="chooseState($event)">
                <option value="" [selected]="targetState() === ''">choisir…</option>
                @for (state of transitions(); track state) {
                  <option [value]="state" [selected]="targetState() === state">
                    {{ stateLabels[state] }}
                  </option>
                }
              </select>
              <button
                type="button"
                class="btn btn-primary"
                [disabled]="busy() || targetState() === '' || transitionError() !== null"
                (click)="changeState()"
              >
                Changer l'état
              </button>
            </span>
          }
        </div>
        @if (needsComment()) {
          <label class="block-label" [for]="'ignore-' + a.id">
            Pourquoi ignorer cette anomalie ? (obligatoire, gardé dans l'historique)
          </label>
          <textarea
            [id]="'ignore-' + a.id"
            rows="2"
            [value]="comment()"
            (input)="comment.set(textValue($event))"
          ></textarea>
          @if (transitionError(); as message) {
            <p class="hint">{{ message }}</p>
          }
        }
      }

      <section class="notes">
        <h4>Notes ({{ a.notes.length }})</h4>
        @if (a.notes.length === 0) {
          <p class="muted">Aucune note.</p>
        } @else {
          <ul>
            @for (note of a.notes; track note.id) {
              <li>
                <span class="meta"
                  >{{ note.author?.displayName ?? 'Système' }}, {{ note.at | frDateTime }}</span
                >
                <span class="note-text">{{ note.text }}</span>
              </li>
            }
          </ul>
        }
        @if (canTriage()) {
          <form (submit)="addNote($event)">
            <label class="block-label" [for]="'note-' + a.id">Ajouter une note</label>
            <textarea
              [id]="'note-' + a.id"
              rows="2"
              [value]="noteText()"
              (input)="noteText.set(textValue($event))"
            ></textarea>
            <button type="submit" class="btn" [disabled]="busy() || noteText().trim() === ''">
              Ajouter la note
            </button>
          </form>
        }
      </section>

      @if (a.history.length > 0) {
        <details class="history">
          <summary>Historique ({{ a.history.length }})</summary>
          <ol>
            @for (entry of a.history; track $index) {
              <li>
                <span class="meta"
                  >{{ entry.at | frDateTime
                  }}{{ entry.actor ? ', ' + entry.actor.displayName : '' }}</span
                >
                {{ entry.description }}
              </li>
            }
          </ol>
        </details>
      }
    </article>
  `,
  styles: `
    .card {
      background: var(--surface);
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 0.9rem 1rem;
      margin-bottom: 0.75rem;
    }
    header {
      display: flex;
      align-items: center;
      gap: 0.5rem;
      flex-wrap: wrap;
    }
    h3 {
      font-size: 1rem;
      margin: 0;
      flex: 1;
    }
    h4 {
      font-size: 0.9rem;
      margin: 0.75rem 0 0.35rem;
    }
    .chip {
      color: #fff;
      border-radius: 999px;
      padding: 0 0.55rem;
      font-size: 0.75rem;
      font-weight: 600;
      line-height: 1.4rem;
    }
    .state {
      border-radius: 999px;
      padding: 0.1rem 0.6rem;
      font-size: 0.8rem;
      font-weight: 600;
      background: #eff8ff;
      color: #175cd3;
    }
    .state-EN_COURS {
      background: #fffaeb;
      color: #93370d;
    }
    .state-RESOLUE {
      background: #ecfdf3;
      color: var(--ok);
    }
    .state-IGNOREE {
      background: #f2f4f7;
      color: var(--muted);
    }
    .description {
      color: var(--muted);
      margin: 0.5rem 0;
    }
    .facts {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1.5rem;
      margin: 0.5rem 0;
    }
    .facts dt {
      font-size: 0.8rem;
      color: var(--muted);
    }
    .facts dd {
      margin: 0;
    }
    .triage {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
      margin: 0.5rem 0;
    }
    .inline {
      display: inline-flex;
      gap: 0.35rem;
      align-items: center;
    }
    select,
    textarea {
      font: inherit;
      padding: 0.3rem 0.5rem;
      border: 1px solid #9aa5b1;
      border-radius: 6px;
    }
    textarea {
      width: 100%;
      box-sizing: border-box;
    }
    .block-label {
      display: block;
      font-size: 0.85rem;
      font-weight: 600;
      margin: 0.4rem 0 0.2rem;
    }
    .hint,
    .muted {
      color: var(--muted);
      font-size: 0.85rem;
      margin: 0.25rem 0;
    }
    .notes ul,
    .history ol {
      margin: 0;
      padding-left: 1.1rem;
    }
    .notes li,
    .history li {
      margin-bottom: 0.3rem;
    }
    .meta {
      color: var(--muted);
      font-size: 0.8rem;
      display: block;
    }
    .note-text {
      white-space: pre-wrap;
    }
    form {
      display: flex;
      flex-direction: column;
      align-items: flex-start;
      gap: 0.35rem;
    }
    .history summary {
      cursor: pointer;
      color: var(--brand);
      margin-top: 0.5rem;
    }
  `,
})
export class AnomalyCardComponent {
  private readonly api = inject(ApiService);

  readonly anomaly = input.required<AnomalyDetailDto>();
  readonly canTriage = input(false);
  readonly currentUserId = input<string | null>(null);
  /** The anomaly as the server now has it. */
  readonly updated = output<AnomalyDetailDto>();

  protected readonly stateLabels = ANOMALY_STATE_LABELS;
  protected readonly actorLabels: Readonly<Record<string, string | undefined>> = ACTOR_LABELS;
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly targetState = signal<AnomalyState | ''>('');
  protected readonly comment = signal('');
  protected readonly noteText = signal('');

  protected readonly label = computed(() => anomalyLabel(this.anomaly().code));
  protected readonly description = computed(() => {
    const code = this.anomaly().code;
    return isAnomalyCode(code) ? ANOMALY_CATALOGUE[code].description : null;
  });
  protected readonly severity = computed(
    () =>
      SEVERITY_DISPLAY[this.anomaly().severity] ?? {
        label: this.anomaly().severity,
        colorHex: '#52606d',
      },
  );
  protected readonly transitions = computed(
    () => MANUAL_ANOMALY_TRANSITIONS[this.anomaly().state] ?? [],
  );
  protected readonly needsComment = computed(() => {
    const to = this.targetState();
    return to !== '' && manualTransitionRequiresComment(this.anomaly().state, to);
  });
  protected readonly transitionError = computed(() => {
    const to = this.targetState();
    return to === '' ? null : manualTransitionError(this.anomaly().state, to, this.comment());
  });

  protected textValue(event: Event): string {
    return (event.target as HTMLTextAreaElement).value;
  }

  protected chooseState(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    this.targetState.set(this.transitions().find((state) => state === value) ?? '');
    this.error.set(null);
  }

  protected assign(assigneeId: string | null): Promise<void> {
    return this.update({ assigneeId });
  }

  protected async changeState(): Promise<void> {
    const to = this.targetState();
    if (to === '' || this.transitionError() !== null) {
      return;
    }
    const comment = this.comment().trim();
    await this.update({ state: to, ...(comment ? { comment } : {}) });
  }

  protected async addNote(event: Event): Promise<void> {
    event.preventDefault();
    const text = this.noteText().trim();
    if (!text) {
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      const note = await this.api.addAnomalyNote(this.anomaly().id, text);
      this.noteText.set('');
      const anomaly = this.anomaly();
      this.updated.emit({
        ...anomaly,
        notes: [...anomaly.notes, note],
        notesCount: anomaly.notesCount + 1,
      });
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  private async update(request: AnomalyUpdateRequest): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      const anomaly = await this.api.updateAnomaly(this.anomaly().id, request);
      this.targetState.set('');
      this.comment.set('');
      this.updated.emit(anomaly);
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }
}
