import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

/**
 * The head of an administration section: what the last action did (notice) or why it failed,
 * then, until the section's data is there, why it could not be read (with a retry) or that it is
 * being read. The section shows its content once its data is there.
 */
@Component({
  selector: 'cd31-admin-section-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (notice(); as message) {
      <p class="notice" role="status">{{ message }}</p>
    }
    @if (actionError(); as message) {
      <div class="alert alert-error" role="alert">{{ message }}</div>
    }
    @if (error(); as message) {
      <div class="alert alert-error" role="alert">
        {{ message }}
        <button type="button" class="btn" (click)="retry.emit()">Réessayer</button>
      </div>
    } @else if (loading()) {
      <p class="loading" role="status">{{ loadingText() }}</p>
    }
  `,
  styles: `
    :host {
      display: contents;
    }
  `,
})
export class AdminSectionStatusComponent {
  readonly notice = input<string | null>(null);
  readonly actionError = input<string | null>(null);
  /** Why the section's data could not be read. */
  readonly error = input<string | null>(null);
  readonly loading = input(false);
  readonly loadingText = input('Chargement…');
  readonly retry = output();
}
