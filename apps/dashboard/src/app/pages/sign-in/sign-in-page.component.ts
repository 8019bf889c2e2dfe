import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router } from '@angular/router';
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
  protected readonly roleLabels = ROLE_LABELS;
  protected email = '';
  protected password = '';
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected useDemo(email: string, password: string): void {
    this.email = email;
    this.password = password;
    void this.submit();
  }

  protected async submit(): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.session.signIn({ email: this.email, password: this.password });
      const target = this.retour();
      await this.router.navigateByUrl(
        target && target.startsWith('/') && !target.startsWith('//') ? target : '/',
      );
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }
}
