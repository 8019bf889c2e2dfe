import type { AuthSettingsDto } from '@cd31/contracts';
import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { SessionService } from '../../core/session.service';
import { SignInPageComponent } from './sign-in-page.component';

@Component({ template: '<p>factures</p>' })
class InvoicesStubComponent {}

const settings = (overrides: Partial<AuthSettingsDto> = {}): AuthSettingsDto => ({
  simulatedData: false,
  demoAccounts: [],
  oidcEnabled: false,
  user: null,
  ...overrides,
});

async function render(
  url: string,
  authSettings: AuthSettingsDto = settings(),
  signIn: () => Promise<unknown> = () => Promise.resolve(),
) {
  const session = { settings: signal(authSettings).asReadonly(), signIn: jest.fn(signIn) };
  TestBed.configureTestingModule({
    providers: [
      provideRouter(
        [
          { path: 'connexion', component: SignInPageComponent },
          { path: 'factures', component: InvoicesStubComponent },
        ],
        withComponentInputBinding(),
      ),
      { provide: SessionService, useValue: session },
    ],
  });
  const harness = await RouterTestingHarness.create();
  await harness.navigateByUrl(url, SignInPageComponent);
  harness.detectChanges();
  await harness.fixture.whenStable();
  return { harness, session, element: harness.routeNativeElement as HTMLElement };
}

describe('SignInPageComponent', () => {
  it('offers the CD31 account when OpenID Connect is enabled, coming back to the page asked', async () => {
    const { element } = await render(
      '/connexion?retour=%2Ffactures%3Fpage%3D2',
      settings({ oidcEnabled: true }),
    );
    const link = element.querySelector<HTMLAnchorElement>('a.btn');
    expect(link?.textContent?.trim()).toBe('Se connecter avec le compte CD31');
    expect(link?.getAttribute('href')).toBe(
      '/api/v1/auth/oidc/login?retour=%2Ffactures%3Fpage%3D2',
    );
  });

  it('does not offer it when OpenID Connect is off', async () => {
    const { element } = await render('/connexion');
    expect(element.querySelector('a.btn')).toBeNull();
    expect(element.textContent).not.toContain('compte CD31');
  });

  it('never links back to another site', async () => {
    const { element } = await render(
      '/connexion?retour=%2F%2Fevil.example',
      settings({ oidcEnabled: true }),
    );
    expect(element.querySelector('a.btn')?.getAttribute('href')).toBe(
      '/api/v1/auth/oidc/login?retour=%2F',
    );
  });

  it('shows the French message of a known error code', async () => {
    const { element } = await render(
      '/connexion?erreur=oidc_non_autorise',
      settings({ oidcEnabled: true }),
    );
    expect(element.querySelector('[role="alert"]')?.textContent?.trim()).toBe(
      'Votre compte CD31 n’a pas accès à ce tableau de bord : demandez un accès à un administrateur.',
    );
  });

  it.each([
    encodeURIComponent('Votre mot de passe a expiré, appelez le 0800 000 000'),
    'toString',
    '__proto__',
  ])('never shows text taken from the address (%s)', async (code) => {
    const { element } = await render(`/connexion?erreur=${code}`, settings({ oidcEnabled: true }));
    expect(element.querySelector('[role="alert"]')).toBeNull();
    expect(element.textContent).not.toContain('0800');
  });

  it('returns to the page asked after a password sign-in', async () => {
    const { element, harness, session } = await render('/connexion?retour=%2Ffactures');
    element.querySelector<HTMLFormElement>('form')?.dispatchEvent(new Event('submit'));
    await harness.fixture.whenStable();
    expect(session.signIn).toHaveBeenCalled();
    expect(harness.routeNativeElement?.textContent).toContain('factures');
  });

  it('replaces the CD31 error with the password error once the form is used', async () => {
    const { element, harness } = await render('/connexion?erreur=oidc_expire', settings(), () =>
      Promise.reject(new Error('refused')),
    );
    expect(element.querySelector('.oidc-error')?.textContent).toContain('a expiré');
    element.querySelector<HTMLFormElement>('form')?.dispatchEvent(new Event('submit'));
    await harness.fixture.whenStable();
    harness.detectChanges();
    expect(element.querySelector('.oidc-error')).toBeNull();
    expect(element.querySelectorAll('[role="alert"]')).toHaveLength(1);
  });
});
