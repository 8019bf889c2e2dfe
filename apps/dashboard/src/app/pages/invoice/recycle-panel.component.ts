import type { RecycleDraftDto, RecycleResultDto, RecycleSendMode } from '@cd31/contracts';
import { ConfirmDialogComponent } from '@cd31/ui';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { apiErrorMessage } from '../../core/api-error';
import { ApiService } from '../../core/api.service';
import { checkRecycleComment, prepareRecycleComment } from './invoice-view';

const COPIED_NOTICE_MS = 4000;

export const RECYCLE_MODE_EXPLANATIONS: Readonly<Record<RecycleSendMode, string>> = {
  'dry-run':
    "Mode simulation : rien ne sera envoyé à Chorus Pro. L'envoi est seulement enregistré dans le journal d'audit.",
  on: 'La facture sera renvoyée au fournisseur sur Chorus Pro, au statut « À recycler », avec ce commentaire. Le fournisseur le lira tel quel.',
  off: "L'envoi à recycler depuis l'application est désactivé.",
};

/** Copies with the Clipboard API, or the old way where it is missing or refused. */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Not allowed (insecure context, permission): fall back below.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

/**
 * The commentaire de recyclage: the drafted text, editable, with a live « n / 255 » counter;
 * « Copier » for pasting into Chorus Pro by hand; « Envoyer à recycler » behind a confirmation
 * that shows exactly the text and the mode.
 */
@Component({
  selector: 'cd31-recycle-panel',
  imports: [ConfirmDialogComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card" aria-labelledby="recycle-title">
      <h2 id="recycle-title">Commentaire de recyclage</h2>
      @if (draft().text === null) {
        <p class="muted">
          Aucune anomalie d'acheminement (SIRET, code service, engagement) : pas de commentaire
          proposé. Vous pouvez en écrire un si la facture doit être renvoyée au fournisseur.
        </p>
      } @else {
        <p class="muted">
          Proposé à partir des anomalies de la facture. Relisez-le : le fournisseur le lira tel quel
          sur Chorus Pro.
        </p>
      }
      <label for="recycle-comment" class="block-label">Commentaire pour le fournisseur</label>
      <textarea
        id="recycle-comment"
        rows="4"
        [value]="text()"
        (input)="text.set(textValue($event))"
        [attr.aria-invalid]="check().tooLong"
        aria-describedby="recycle-counter recycle-problem"
      ></textarea>
      <div class="under">
        <span
          id="recycle-counter"
          class="counter"
          [class.over]="check().tooLong"
          aria-live="polite"
        >
          {{ check().counter }}
        </span>
        @if (text() !== (draft().text ?? '')) {
          <button type="button" class="link" (click)="restore()">Rétablir le texte proposé</button>
        }
      </div>
      <p id="recycle-problem" class="problem" [class.over]="check().tooLong">
        {{ check().tooLong ? check().problem : '' }}
      </p>

      <div class="actions">
        <button type="button" class="btn" [disabled]="check().empty" (click)="copy()">
          Copier
        </button>
        @if (canSend()) {
          <button
            type="button"
            class="btn btn-primary"
            [disabled]="!sendable()"
            aria-describedby="recycle-send-reason"
            (click)="confirming.set(true)"
          >
            Envoyer à recycler
          </button>
        }
      </div>
      @if (copied(); as message) {
        <p class="notice" role="status">{{ message }}</p>
      }
      @if (canSend() && sendBlockedReason(); as reason) {
        <p id="recycle-send-reason" class="muted">{{ reason }}</p>
      }
      @if (result(); as done) {
        <div class="alert alert-info" role="status">{{ done.message }}</div>
      }
      @if (error(); as message) {
        <div class="alert alert-error" role="alert">{{ message }}</div>
      }
    </section>

    <cd31-confirm-dialog
      [open]="confirming()"
      heading="Envoyer la facture à recycler"
      [confirmLabel]="draft().mode === 'on' ? 'Envoyer à recycler' : 'Simuler l’envoi'"
      [danger]="draft().mode === 'on'"
      [busy]="busy()"
      (confirmed)="send()"
      (cancelled)="confirming.set(false)"
    >
      <p class="mode mode-{{ draft().mode }}">{{ modeExplanation() }}</p>
      <p>Commentaire envoyé ({{ toSend().length }} / {{ check().max }} caractères) :</p>
      <blockquote class="preview">{{ toSend() }}</blockquote>
    </cd31-confirm-dialog>
  `,
  styles: `
    .card {
      background: var(--surface);
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 1rem 1.25rem;
      margin-bottom: 1.25rem;
    }
    h2 {
      font-size: 1.15rem;
      margin: 0 0 0.5rem;
    }
    .muted {
      color: var(--muted);
      font-size: 0.9rem;
    }
    .block-label {
      display: block;
      font-weight: 600;
      margin-bottom: 0.25rem;
    }
    textarea {
      font: inherit;
      width: 100%;
      box-sizing: border-box;
      padding: 0.5rem;
      border: 1px solid #9aa5b1;
      border-radius: 6px;
    }
    textarea[aria-invalid='true'] {
      border-color: var(--danger);
      outline-color: var(--danger);
    }
    .under {
      display: flex;
      justify-content: space-between;
      align-items: center;
      gap: 1rem;
    }
    .counter {
      font-variant-numeric: tabular-nums;
      color: var(--muted);
    }
    .counter.over,
    .problem.over {
      color: var(--danger);
      font-weight: 700;
    }
    .problem {
      margin: 0.25rem 0;
      min-height: 1.2em;
    }
    .actions {
      display: flex;
      gap: 0.5rem;
      margin-top: 0.5rem;
    }
    .notice {
      color: var(--ok);
      font-weight: 600;
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
    .preview {
      margin: 0.5rem 0;
      padding: 0.75rem;
      background: #f8fafc;
      border-left: 4px solid var(--brand);
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .mode {
      font-weight: 600;
    }
    .mode-on {
      color: var(--danger);
    }
  `,
})
export class RecyclePanelComponent {
  private readonly api = inject(ApiService);

  readonly idFacture = input.required<number>();
  readonly draft = input.required<RecycleDraftDto>();
  /** 'recycle:send': without it the panel only drafts and copies. */
  readonly canSend = input(false);
  readonly sent = output<RecycleResultDto>();

  protected readonly text = signal('');
  protected readonly confirming = signal(false);
  protected readonly busy = signal(false);
  protected readonly copied = signal<string | null>(null);
  protected readonly result = signal<RecycleResultDto | null>(null);
  protected readonly error = signal<string | null>(null);

  protected readonly check = computed(() =>
    checkRecycleComment(this.text(), this.draft().maxLength),
  );
  protected readonly toSend = computed(() => prepareRecycleComment(this.text()));
  protected readonly modeExplanation = computed(() => RECYCLE_MODE_EXPLANATIONS[this.draft().mode]);
  /** Why « Envoyer à recycler » is disabled, in French; null when it is not. */
  protected readonly sendBlockedReason = computed(() => {
    const draft = this.draft();
    if (!draft.allowed) {
      return draft.reason ?? "L'envoi à recycler n'est pas possible pour cette facture.";
    }
    return this.check().problem;
  });
  protected readonly sendable = computed(() => this.sendBlockedReason() === null);

  private copiedTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    // A new draft (another invoice, or reloaded after a change) replaces the text.
    effect(() => {
      const text = this.draft().text ?? '';
      untracked(() => this.text.set(text));
    });
    inject(DestroyRef).onDestroy(() => {
      if (this.copiedTimer) {
        clearTimeout(this.copiedTimer);
      }
    });
  }

  protected textValue(event: Event): string {
    return (event.target as HTMLTextAreaElement).value;
  }

  protected restore(): void {
    this.text.set(this.draft().text ?? '');
  }

  protected async copy(): Promise<void> {
    const ok = await copyText(this.toSend());
    this.copied.set(
      ok
        ? 'Commentaire copié dans le presse-papiers : collez-le dans Chorus Pro.'
        : 'La copie a échoué : sélectionnez le texte puis utilisez Ctrl+C.',
    );
    if (this.copiedTimer) {
      clearTimeout(this.copiedTimer);
    }
    this.copiedTimer = setTimeout(() => this.copied.set(null), COPIED_NOTICE_MS);
  }

  protected async send(): Promise<void> {
    if (!this.sendable()) {
      this.confirming.set(false);
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    this.result.set(null);
    try {
      const result = await this.api.recycleInvoice(this.idFacture(), { comment: this.toSend() });
      this.result.set(result);
      this.sent.emit(result);
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    } finally {
      this.busy.set(false);
      this.confirming.set(false);
    }
  }
}
