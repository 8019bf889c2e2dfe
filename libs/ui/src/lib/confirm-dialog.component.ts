import {
  ChangeDetectionStrategy,
  Component,
  effect,
  type ElementRef,
  input,
  output,
  viewChild,
} from '@angular/core';

/**
 * A modal confirmation built on the native <dialog>: focus moves into it and stays there, Escape
 * cancels, and the page behind is inert. Used before anything irreversible.
 */
@Component({
  selector: 'cd31-confirm-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <dialog
      #dialog
      (cancel)="onCancel($event)"
      [attr.aria-labelledby]="titleId"
      class="confirm-dialog"
    >
      <h2 [id]="titleId">{{ heading() }}</h2>
      <div class="body"><ng-content /></div>
      <div class="actions">
        <button type="button" class="btn" (click)="cancelled.emit()">{{ cancelLabel() }}</button>
        <button
          type="button"
          class="btn btn-primary"
          [class.btn-danger]="danger()"
          (click)="confirmed.emit()"
          [disabled]="busy() || confirmDisabled()"
        >
          {{ busy() ? 'Patientez…' : confirmLabel() }}
        </button>
      </div>
    </dialog>
  `,
  styles: `
    .confirm-dialog {
      border: 1px solid var(--border, #d3dae3);
      border-radius: 10px;
      padding: 1.25rem 1.5rem;
      max-width: 36rem;
      width: calc(100% - 2rem);
      box-shadow: 0 10px 40px rgba(16, 24, 40, 0.25);
    }
    .confirm-dialog::backdrop {
      background: rgba(16, 24, 40, 0.45);
    }
    h2 {
      margin: 0 0 0.75rem;
      font-size: 1.15rem;
    }
    .actions {
      display: flex;
      justify-content: flex-end;
      gap: 0.5rem;
      margin-top: 1.25rem;
    }
    .btn-danger {
      background: #b42318;
      border-color: #b42318;
    }
  `,
})
export class ConfirmDialogComponent {
  private static nextId = 0;
  readonly open = input.required<boolean>();
  readonly heading = input.required<string>();
  readonly confirmLabel = input('Confirmer');
  readonly cancelLabel = input('Annuler');
  readonly danger = input(false);
  readonly busy = input(false);
  /** E.g. until a required comment is typed in the dialog's body. */
  readonly confirmDisabled = input(false);
  readonly confirmed = output<void>();
  readonly cancelled = output<void>();
  protected readonly titleId = `cd31-confirm-${ConfirmDialogComponent.nextId++}`;
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');

  constructor() {
    effect(() => {
      const element = this.dialog().nativeElement;
      if (this.open() && !element.open) {
        // jsdom has no showModal: fall back to the open attribute there.
        if (typeof element.showModal === 'function') {
          element.showModal();
        } else {
          element.setAttribute('open', '');
        }
      } else if (!this.open() && element.open) {
        if (typeof element.close === 'function') {
          element.close();
        } else {
          element.removeAttribute('open');
        }
      }
    });
  }

  protected onCancel(event: Event): void {
    event.preventDefault();
    this.cancelled.emit();
  }
}
