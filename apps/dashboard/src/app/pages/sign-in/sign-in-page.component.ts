import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router } from '@angular/router';
import { oidcErrorMessage } from '@cd31/contracts';
import { ROLE_LABELS } from '@cd31/domain';
import { apiErrorMessage } from '../../core/api-error';
import { SessionService } from '../../core/session.service';

@Component({
  selector: 'cd31-sign-in-page',
  imports: [FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="sign-in">
      <h1>Connexion</h1>
      <p class="lead">
        Suivi des factures Chorus Pro du Conseil départemental de la Haute-Garonne.
      </p>
      @if (expiree()) {
        <p class="alert alert-info" role="status">Votre session a expiré : reconnectez-vous.</p>
      }
      @if (oidcError(); as message) {
        <p class="alert alert-error oidc-error" role="alert">{{ message }}</p>
      }
      @if (session.settings()?.oidcEnabled) {
        <div class="card oidc">
          <a class="btn btn-primary" [href]="oidcLoginUrl()">Se connecter avec le compte CD31</a>
          <p class="or">ou avec une adresse e-mail et un mot de passe :</p>
        </div>
      }
      <form (ngSubmit)="submit()" class="card">
        <label for="email">Adresse e-mail</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="username"
          required
          [(ngModel)]="email"
        />
        <label for="password">Mot de passe</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          [(ngModel)]="password"
        />
        @if (error(); as message) {
          <p class="alert alert-error" role="alert">{{ message }}</p>
        }
        <button type="submit" class="btn btn-primary" [disabled]="busy()">
          {{ busy() ? 'Connexion…' : 'Se connecter' }}
        </button>
      </form>

      @if (session.settings()?.demoAccounts?.length) {
        <aside class="card demo" aria-labelledby="demo-title">
          <h2 id="demo-title">Comptes de démonstration</h2>
          <p>Données simulées : ces comptes n'existent que sans identifiants Chorus Pro réels.</p>
          <ul>
            @for (account of session.settings()?.demoAccounts; track account.email) {
              <li>
                <button
                  type="button"
                  class="link"
                  (click)="useDemo(account.email, account.password)"
                >
                  {{ roleLabels[account.role] }}
                </button>
                <code>{{ account.email }}</code> / <code>{{ account.password }}</code>
              </li>
            }
          </ul>
        </aside>
      }
    </section>
  `,
  styles: `
    .sign-in {
      max-width: 28rem;
      margin: 2rem auto;
    }
    .card {
      background: var(--surface);
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 1.25rem;
      display: flex;
      flex-direction: column;
      gap: 0.5rem;
      margin-bottom: 1rem;
    }
    label {
      font-weight: 600;
    }
    input {
      font: inherit;
      padding: 0.5rem 0.6rem;
      border: 1px solid #9aa5b1;
      border-radius: 6px;
    }
    .btn-primary {
      margin-top: 0.75rem;
    }
    .oidc .btn-primary {
      margin-top: 0;
      text-align: center;
      text-decoration: none;
    }
    .oidc .or {
      margin: 0.25rem 0 0;
      color: var(--muted);
    }
    .demo h2 {
      font-size: 1rem;
      margin: 0;
    }
    .demo ul {
      margin: 0;
      padding-left: 1.1rem;
      display: flex;
      flex-direction: column;
      gap: 0.35rem;
    }
    .link {
      background: none;
      border: none;
      color: var(--brand);
      text-decoration: underline;
      cursor: pointer;
      font: inherit;
      padding: 0;
      margin-right: 0.4rem;
    }
    code {
      font-size: 0.85rem;
    }
  `,
})
export class SignInPageComponent {
  protected readonly session = inject(SessionService);
  private readonly router = inject(Router);
  readonly retour = input<string>();
  readonly expiree = input<string>();
  /** A code set by the API after a refused CD31 sign-in; only known codes show a message. */
  readonly erreur = input<string>();
  protected readonly roleLabels = ROLE_LABELS;
  protected email = '';
  protected password = '';
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  private readonly submitted = signal(false);
  protected readonly oidcError = computed(() =>
    this.submitted() ? null : oidcErrorMessage(this.erreur()),
  );
  /** A plain navigation: the API redirects to CD31's identity provider, then back here. */
  protected readonly oidcLoginUrl = computed(
    () => `/api/v1/auth/oidc/login?retour=${encodeURIComponent(this.returnPath())}`,
  );

  protected useDemo(email: string, password: string): void {
    this.email = email;
    this.password = password;
    void this.submit();
  }

  protected async submit(): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    this.submitted.set(true);
    try {
      await this.session.signIn({ email: this.email, password: this.password });
      await this.router.navigateByUrl(this.returnPath());
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  /** Only a path of this site (the API checks it again). */
  private returnPath(): string {
    const target = this.retour();
    return target && target.startsWith('/') && !target.startsWith('//') && !target.includes('\\')
      ? target
      : '/';
  }
}
