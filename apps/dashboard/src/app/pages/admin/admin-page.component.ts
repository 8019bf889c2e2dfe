import type { Permission } from '@cd31/domain';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  signal,
  ViewEncapsulation,
} from '@angular/core';
import { ActivatedRoute, Router } from '@angular/router';
import { SessionService } from '../../core/session.service';
import { AdminAuditComponent } from './admin-audit.component';
import { AdminBudgetsComponent } from './admin-budgets.component';
import { AdminProfilesComponent } from './admin-profiles.component';
import { AdminRatesComponent } from './admin-rates.component';
import { AdminTemplatesComponent } from './admin-templates.component';
import { AdminThresholdsComponent } from './admin-thresholds.component';
import { AdminUsersComponent } from './admin-users.component';

export const ADMIN_TABS = [
  { id: 'budgets', label: 'Budgets', permission: 'budgets:write' },
  { id: 'seuils', label: 'Seuils', permission: 'settings:write' },
  { id: 'modeles', label: 'Modèles de commentaire', permission: 'settings:write' },
  { id: 'profils', label: 'Profils d’import', permission: 'settings:write' },
  { id: 'taux', label: 'Taux d’intérêt', permission: 'settings:write' },
  { id: 'utilisateurs', label: 'Utilisateurs', permission: 'users:manage' },
  { id: 'audit', label: 'Journal d’audit', permission: 'audit:read' },
] as const satisfies readonly { id: string; label: string; permission: Permission }[];
export type AdminTabId = (typeof ADMIN_TABS)[number]['id'];

/**
 * Administration: one tab per kind of setting, each shown only to whom may change it. The tabs
 * follow the WAI-ARIA pattern (arrow keys, Home, End; one tab stop) and the chosen one is kept in
 * the address (`?onglet=seuils`) so that it survives a reload and can be linked to.
 */
@Component({
  selector: 'cd31-admin-page',
  imports: [
    AdminBudgetsComponent,
    AdminThresholdsComponent,
    AdminTemplatesComponent,
    AdminProfilesComponent,
    AdminRatesComponent,
    AdminUsersComponent,
    AdminAuditComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  // One stylesheet for every section of the page (they share forms, tables and notices); every
  // selector starts with the page's element, and it is loaded with the page only.
  encapsulation: ViewEncapsulation.None,
  template: `
    <h1>Administration</h1>
    <p class="lead">
      Budgets, seuils des anomalies, modèles de commentaire, profils d’import, taux d’intérêt,
      utilisateurs et journal d’audit.
    </p>

    @if (tabs().length === 0) {
      <p class="empty">Votre rôle ne permet de modifier aucun paramètre.</p>
    } @else {
      <div
        class="admin-tabs"
        role="tablist"
        aria-label="Sections de l’administration"
        (keydown)="onTabKeydown($event)"
      >
        @for (tab of tabs(); track tab.id) {
          <button
            type="button"
            role="tab"
            [id]="'onglet-' + tab.id"
            [attr.aria-selected]="tab.id === selected()"
            [attr.aria-controls]="'panneau-' + tab.id"
            [tabIndex]="tab.id === selected() ? 0 : -1"
            (click)="select(tab.id)"
          >
            {{ tab.label }}
          </button>
        }
      </div>
      <div
        class="admin-panel"
        role="tabpanel"
        [id]="'panneau-' + selected()"
        [attr.aria-labelledby]="'onglet-' + selected()"
      >
        @switch (selected()) {
          @case ('budgets') {
            <cd31-admin-budgets />
          }
          @case ('seuils') {
            <cd31-admin-thresholds />
          }
          @case ('modeles') {
            <cd31-admin-templates />
          }
          @case ('profils') {
            <cd31-admin-profiles />
          }
          @case ('taux') {
            <cd31-admin-rates />
          }
          @case ('utilisateurs') {
            <cd31-admin-users />
          }
          @case ('audit') {
            <cd31-admin-audit />
          }
        }
      </div>
    }
  `,
  styles: `
    cd31-admin-page {
      display: block;
    }
    cd31-admin-page .admin-tabs {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem;
      border-bottom: 2px solid var(--border);
      margin-bottom: 1.25rem;
    }
    cd31-admin-page [role='tab'] {
      font: inherit;
      padding: 0.55rem 0.9rem;
      border: 1px solid transparent;
      border-bottom: none;
      border-radius: 6px 6px 0 0;
      background: transparent;
      color: var(--brand);
      cursor: pointer;
      margin-bottom: -2px;
    }
    cd31-admin-page [role='tab'][aria-selected='true'] {
      background: var(--surface);
      border-color: var(--border);
      border-bottom: 2px solid var(--surface);
      color: var(--text);
      font-weight: 600;
    }
    cd31-admin-page h2 {
      font-size: 1.2rem;
      margin: 0 0 0.5rem;
    }
    cd31-admin-page h3 {
      font-size: 1.05rem;
      margin: 1.5rem 0 0.5rem;
    }
    cd31-admin-page .hint {
      color: var(--muted);
      font-size: 0.9rem;
      margin: 0.25rem 0 0.75rem;
    }
    cd31-admin-page .card {
      background: var(--surface);
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 1rem 1.25rem;
      margin: 1rem 0;
    }
    cd31-admin-page fieldset {
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 0.75rem 1rem 1rem;
      margin: 0 0 1rem;
      background: var(--surface);
    }
    cd31-admin-page legend {
      font-weight: 600;
      padding: 0 0.35rem;
    }
    cd31-admin-page .form-grid {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr));
      gap: 0.75rem 1rem;
      align-items: start;
    }
    cd31-admin-page .field {
      display: flex;
      flex-direction: column;
      gap: 0.25rem;
    }
    cd31-admin-page .field > label,
    cd31-admin-page .field-label {
      font-weight: 600;
      font-size: 0.9rem;
    }
    cd31-admin-page input:not([type='checkbox']):not([type='radio']),
    cd31-admin-page select,
    cd31-admin-page textarea {
      font: inherit;
      padding: 0.35rem 0.5rem;
      border: 1px solid #9aa5b1;
      border-radius: 4px;
      background: #fff;
      color: var(--text);
    }
    cd31-admin-page textarea {
      width: 100%;
      box-sizing: border-box;
      resize: vertical;
    }
    cd31-admin-page [aria-invalid='true'] {
      border-color: var(--danger) !important;
    }
    cd31-admin-page .field-error {
      color: var(--danger);
      font-size: 0.85rem;
      margin: 0;
    }
    cd31-admin-page .unit {
      color: var(--muted);
      margin-left: 0.35rem;
    }
    cd31-admin-page .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
      margin-top: 0.75rem;
    }
    cd31-admin-page .row-actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.35rem;
    }
    cd31-admin-page .btn-small {
      padding: 0.2rem 0.55rem;
      font-size: 0.85rem;
    }
    cd31-admin-page .btn-danger-outline {
      border-color: var(--danger);
      color: var(--danger);
    }
    cd31-admin-page .errors {
      color: var(--danger);
      background: var(--danger-bg);
      border: 1px solid #fecdca;
      border-radius: 6px;
      padding: 0.5rem 1rem 0.5rem 2rem;
      margin: 0.75rem 0;
    }
    cd31-admin-page .notice {
      color: var(--ok);
      font-weight: 600;
    }
    cd31-admin-page .mono {
      font-family: var(--mono);
    }
    cd31-admin-page .num {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    cd31-admin-page .editor-row > td {
      background: #f8fafc;
    }
    cd31-admin-page .checks {
      display: flex;
      flex-wrap: wrap;
      gap: 0.35rem 1rem;
    }
    cd31-admin-page .checks label {
      display: inline-flex;
      gap: 0.35rem;
      align-items: center;
      font-weight: 400;
    }
    cd31-admin-page .table-scroll {
      overflow-x: auto;
    }
    cd31-admin-page .sr-only {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }
  `,
})
export class AdminPageComponent {
  private readonly session = inject(SessionService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  /** Only the sections this role may use. */
  protected readonly tabs = computed(() =>
    ADMIN_TABS.filter((tab) => this.session.can(tab.permission)),
  );
  private readonly requested = signal<string | null>(
    this.route.snapshot.queryParamMap.get('onglet'),
  );
  protected readonly selected = computed<AdminTabId | null>(() => {
    const tabs = this.tabs();
    return tabs.find((t) => t.id === this.requested())?.id ?? tabs[0]?.id ?? null;
  });

  protected select(id: AdminTabId): void {
    this.requested.set(id);
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: { onglet: id },
      replaceUrl: true,
    });
  }

  protected onTabKeydown(event: KeyboardEvent): void {
    const tabs = this.tabs();
    const current = tabs.findIndex((t) => t.id === this.selected());
    let next: number;
    switch (event.key) {
      case 'ArrowRight':
        next = (current + 1) % tabs.length;
        break;
      case 'ArrowLeft':
        next = (current - 1 + tabs.length) % tabs.length;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = tabs.length - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    const tab = tabs[next];
    if (!tab) {
      return;
    }
    this.select(tab.id);
    const buttons = (event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>(
      '[role="tab"]',
    );
    buttons[next]?.focus();
  }
}
