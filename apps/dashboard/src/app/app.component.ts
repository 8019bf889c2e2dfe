import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';

interface NavEntry {
  readonly path: string;
  readonly label: string;
}

@Component({
  selector: 'cd31-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <a class="skip-link" href="#contenu">Aller au contenu</a>
    <header class="topbar">
      <div class="brand">
        <span class="brand-mark" aria-hidden="true">31</span>
        <span class="brand-text">
          <strong>Suivi Chorus Pro</strong>
          <small>Conseil départemental de la Haute-Garonne</small>
        </span>
      </div>
      <nav aria-label="Navigation principale">
        <ul>
          @for (entry of nav; track entry.path) {
            <li>
              <a [routerLink]="entry.path" routerLinkActive="active" ariaCurrentWhenActive="page">{{
                entry.label
              }}</a>
            </li>
          }
        </ul>
      </nav>
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
    .topbar {
      display: flex;
      align-items: center;
      gap: 2rem;
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
    nav ul {
      display: flex;
      gap: 0.25rem;
      list-style: none;
      margin: 0;
      padding: 0;
      flex-wrap: wrap;
    }
    nav a {
      display: block;
      padding: 1.05rem 0.85rem;
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
  protected readonly nav: readonly NavEntry[] = [
    { path: '/anomalies', label: 'Anomalies' },
    { path: '/factures', label: 'Factures' },
    { path: '/budgets', label: 'Budgets' },
    { path: '/imports', label: 'Imports ASTRE' },
    { path: '/synchronisation', label: 'Synchronisation' },
    { path: '/administration', label: 'Administration' },
  ];
}
