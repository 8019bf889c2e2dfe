import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { ConfirmDialogComponent } from '@cd31/ui';
import type { PendingAction } from './admin-shared';

/** The confirmation dialog of an administration section, showing its pending action. */
@Component({
  selector: 'cd31-pending-action-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ConfirmDialogComponent],
  template: `
    <cd31-confirm-dialog
      [open]="action() !== null"
      [heading]="action()?.heading ?? ''"
      [confirmLabel]="action()?.confirmLabel ?? 'Confirmer'"
      [danger]="action()?.danger ?? false"
      [busy]="busy()"
      (confirmed)="confirmed.emit()"
      (cancelled)="cancelled.emit()"
    >
      @for (line of action()?.lines ?? []; track $index) {
        <p>{{ line }}</p>
      }
    </cd31-confirm-dialog>
  `,
})
export class PendingActionDialogComponent {
  readonly action = input.required<PendingAction | null>();
  readonly busy = input(false);
  readonly confirmed = output();
  readonly cancelled = output();
}
