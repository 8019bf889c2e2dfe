import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { ROLE_LABELS, type Permission } from '@cd31/domain';
import { SessionService } from './core/session.service';

interface NavEntry {
  readonly path: string;
  readonly label: string;
  readonly permission: Permission;
}

const NAV: readonly NavEntry[] = [
  { path: '/anomalies', label: 'Anomalies', permission: 'anomalies:read' },
  { path: '/factures', label: 'Factures', permission: 'invoices:read' },
  { path: '/budgets', label: 'Budgets', permission: 'budgets:read' },
  { path: '/imports', label: 'Imports ASTRE', permission: 'imports:read' },
  { path: '/synchronisation', label: 'Synchronisation', permission: 'sync:read' },
  { path: '/administration', label: 'Administration', permission: 'settings:write' },
];

@Component({
  selector: 'cd31-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <a class="skip-link" href="#contenu">Aller au contenu</a>
    @if (session.simulatedData()) {
      <div class="simulated-banner" role="note">
        Données simulées — aucune donnée réelle de Chorus Pro : un simulateur fournit les factures.
      </div>
    }
    <header class="topbar">
      <div class="brand">
        <span class="brand-mark" aria-hidden="true">31</span>
        <span class="brand-text">
          <strong>Suivi Chorus Pro</strong>
          <small>Conseil départemental de la Haute-Garonne</small>
        </span>
      </div>
      @if (session.user(); as user) {
        <nav aria-label="Navigation principale">
          <ul>
            @for (entry of nav(); track entry.path) {
              <li>
                <a
                  [routerLink]="entry.path"
                  routerLinkActive="active"
                  ariaCurrentWhenActive="page"
                  >{{ entry.label }}</a
                >
              </li>
            }
          </ul>
        </nav>
        <div class="user">
          <span class="user-name">{{ user.displayName }}</span>
          <span class="user-role">{{ roleLabels[user.role] }}</span>
          <button type="button" class="sign-out" (click)="signOut()">Se déconnecter</button>
        </div>
      }
    </header>
    <main id="contenu" tabindex="-1">
      <router-outlet />
    </main>
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      min-height: 100vh;
    }
    .skip-link {
      position: absolute;
      left: -999px;
      top: 0;
      background: #fff;
      padding: 0.5rem;
      z-index: 10;
    }
    .skip-link:focus {
      left: 0.5rem;
    }
    .simulated-banner {
      background: #fef0c7;
      color: #7a2e0e;
      text-align: center;
      padding: 0.35rem 1rem;
      font-weight: 600;
      border-bottom: 1px solid #fedf89;
    }
    .topbar {
      display: flex;
      align-items: center;
      gap: 1.25rem;
      padding: 0 1.5rem;
      background: var(--brand);
      color: #fff;
      min-height: 3.5rem;
      flex-wrap: wrap;
    }
    .brand {
      display: flex;
      align-items: center;
      gap: 0.75rem;
    }
    .brand-mark {
      display: inline-grid;
      place-items: center;
      width: 2rem;
      height: 2rem;
      border-radius: 6px;
      background: #fff;
      color: var(--brand);
      font-weight: 700;
    }
    .brand-text {
      display: flex;
      flex-direction: column;
      line-height: 1.1;
    }
    .brand-text small {
      opacity: 0.85;
      font-size: 0.75rem;
    }
    nav {
      flex: 1;
    }
    nav ul {
      display: flex;
      gap: 0;
      list-style: none;
      margin: 0;
      padding: 0;
      flex-wrap: wrap;
    }
    nav a {
      display: block;
      padding: 1.05rem 0.6rem;
      white-space: nowrap;
      color: #fff;
      text-decoration: none;
      border-bottom: 3px solid transparent;
    }
    nav a:hover {
      background: rgba(255, 255, 255, 0.1);
    }
    nav a.active {
      border-bottom-color: #fff;
      font-weight: 600;
    }
    .user {
      display: flex;
      align-items: center;
      gap: 0.6rem;
      font-size: 0.85rem;
    }
    @media (max-width: 1350px) {
      .user-name {
        display: none;
      }
    }
    .user-role {
      background: rgba(255, 255, 255, 0.15);
      border-radius: 999px;
      padding: 0.1rem 0.55rem;
    }
    .sign-out {
      font: inherit;
      background: transparent;
      color: #fff;
      border: 1px solid rgba(255, 255, 255, 0.6);
      border-radius: 6px;
      padding: 0.25rem 0.6rem;
      cursor: pointer;
    }
    .sign-out:hover {
      background: rgba(255, 255, 255, 0.1);
    }
    main {
      flex: 1;
      padding: 1.5rem;
      max-width: 1400px;
      width: 100%;
      margin: 0 auto;
      box-sizing: border-box;
    }
    main:focus {
      outline: none;
    }
  `,
})
export class AppComponent {
  protected readonly session = inject(SessionService);
  private readonly router = inject(Router);
  protected readonly roleLabels = ROLE_LABELS;
  protected readonly nav = computed(() => {
    const user = this.session.user();
    return user ? NAV.filter((entry) => user.permissions.includes(entry.permission)) : [];
  });

  protected async signOut(): Promise<void> {
    await this.session.signOut();
    await this.router.navigate(['/connexion']);
  }
}
