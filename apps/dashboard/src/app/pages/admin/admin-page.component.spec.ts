import type { BudgetDto, UserDto } from '@cd31/contracts';
import { DEFAULT_RECYCLE_TEMPLATES, ROLE_PERMISSIONS, type Permission } from '@cd31/domain';
import { HttpErrorResponse } from '@angular/common/http';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { ApiService } from '../../core/api.service';
import { SessionService } from '../../core/session.service';
import { AdminPageComponent } from './admin-page.component';
import { THRESHOLD_SETTINGS } from '../../../testing/admin-test-data';

const plain = (text: string | null | undefined): string =>
  (text ?? '')
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const BUDGETS: BudgetDto[] = [
  { code: '01', label: 'Principal', siret: '22310001700423', active: true, updatedAt: '' },
  {
    code: '62',
    label: 'Laboratoire Eau Air (EVA)',
    siret: '22310001700225',
    active: true,
    updatedAt: '',
  },
];

const USERS: UserDto[] = [
  {
    id: 'me',
    email: 'chef.sif@cd31.fr',
    displayName: 'Chef SIF',
    role: 'admin',
    budgetCodes: null,
    active: true,
    lastSignInAt: '2025-03-05T23:30:00.000Z',
    createdAt: '2025-01-01T00:00:00.000Z',
  },
  {
    id: 'u2',
    email: 'gestion@cd31.fr',
    displayName: 'Gestionnaire EVA',
    role: 'gestionnaire',
    budgetCodes: ['62'],
    active: true,
    lastSignInAt: null,
    createdAt: '2025-01-01T00:00:00.000Z',
  },
];

/** An API refusal with its French message (typed as the Error it implements). */
function refusal(message: string): Error {
  return new HttpErrorResponse({
    status: 400,
    error: { statusCode: 400, error: 'Bad Request', message },
  });
}

async function render(
  url: string,
  options: { permissions?: readonly Permission[]; api?: Record<string, jest.Mock> } = {},
) {
  const api = {
    fetchBudgets: jest.fn(() => Promise.resolve(BUDGETS)),
    fetchThresholds: jest.fn(() => Promise.resolve(THRESHOLD_SETTINGS)),
    updateThresholds: jest.fn(() => Promise.resolve(THRESHOLD_SETTINGS)),
    fetchUsers: jest.fn(() => Promise.resolve(USERS)),
    createUser: jest.fn(),
    updateUser: jest.fn(),
    ...options.api,
  };
  const permissions = options.permissions ?? ROLE_PERMISSIONS.admin;
  TestBed.configureTestingModule({
    providers: [
      provideRouter([{ path: 'administration', component: AdminPageComponent }]),
      { provide: ApiService, useValue: api },
      {
        provide: SessionService,
        useValue: {
          user: signal({ id: 'me', displayName: 'Chef SIF' }),
          can: (permission: Permission) => permissions.includes(permission),
        },
      },
    ],
  });
  const harness = await RouterTestingHarness.create();
  await harness.navigateByUrl(url, AdminPageComponent);
  const element = harness.routeNativeElement as HTMLElement;
  const settle = async (ms = 0): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    harness.detectChanges();
    await harness.fixture.whenStable();
  };
  await settle();
  const button = (text: string): HTMLButtonElement | undefined =>
    Array.from(element.querySelectorAll('button')).find((b) => plain(b.textContent) === text);
  const type = (selector: string, value: string): void => {
    const input = element.querySelector<HTMLInputElement | HTMLSelectElement>(selector);
    if (!input) {
      throw new Error(`No ${selector}`);
    }
    input.value = value;
    input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input'));
  };
  return { api, element, settle, button, type };
}

describe('AdminPageComponent tabs', () => {
  it('shows only the sections the role may use, as a keyboard-usable tablist', async () => {
    const { element, settle } = await render('/administration', {
      permissions: ['settings:read', 'settings:write'],
    });
    const tabs = Array.from(element.querySelectorAll<HTMLButtonElement>('[role="tab"]'));
    expect(tabs.map((t) => plain(t.textContent))).toEqual([
      'Seuils',
      'Modèles de commentaire',
      'Profils d’import',
      'Taux d’intérêt',
    ]);
    expect(tabs[0]?.getAttribute('aria-selected')).toBe('true');
    expect(tabs.map((t) => t.tabIndex)).toEqual([0, -1, -1, -1]);

    tabs[0]?.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    await settle();
    expect(tabs[3]?.getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(tabs[3]);
    tabs[3]?.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    await settle();
    expect(tabs[0]?.getAttribute('aria-selected')).toBe('true');
    expect(element.querySelector('[role="tabpanel"]')?.getAttribute('aria-labelledby')).toBe(
      'onglet-seuils',
    );
  });
});

describe('AdminPageComponent — Seuils', () => {
  it('shows the global values and the budget × threshold table with override markers', async () => {
    const { element } = await render('/administration?onglet=seuils');
    const global = element.querySelector<HTMLInputElement>('#global-madNonIntegreeDays');
    expect(global?.value).toBe('3');
    expect(global?.min).toBe('0');
    expect(global?.max).toBe('365');
    expect(
      plain(element.querySelector('label[for="global-madNonIntegreeDays"]')?.textContent),
    ).toBe('Mise à disposition non intégrée après');
    const rows = element.querySelectorAll('table.thresholds tbody tr');
    expect(rows).toHaveLength(2);
    expect(plain(rows[0]?.textContent)).toContain('01 Principal');
    expect(rows[0]?.querySelectorAll('td.overridden')).toHaveLength(0);
    const overridden = rows[1]?.querySelectorAll('td.overridden');
    expect(overridden).toHaveLength(1);
    expect(plain(overridden?.[0]?.textContent)).toContain('Valeur propre au budget : 10 jours');
    expect(plain(rows[1]?.textContent)).toContain('15 jours');
  });

  it('saves a budget override, empty fields removing theirs, and says anomalies are recomputed', async () => {
    const { api, element, settle, button, type } = await render('/administration?onglet=seuils');
    element
      .querySelector<HTMLButtonElement>('[aria-label="Modifier les seuils du budget 62"]')
      ?.click();
    await settle();
    expect(element.querySelector<HTMLInputElement>('#budget-madNonIntegreeDays')?.value).toBe('10');
    type('#budget-madNonIntegreeDays', '');
    type('#budget-dgpMenaceHorizonDays', '25');
    await settle();
    expect(plain(element.querySelector('#budget-dgpMenaceHorizonDays-help')?.textContent)).toBe(
      "« Alerte avant la fin de la part de l'ordonnateur » doit être un nombre entier de jours entre 0 et 20.",
    );
    expect(button('Enregistrer')?.disabled).toBe(true);
    type('#budget-dgpMenaceHorizonDays', '5');
    await settle();
    button('Enregistrer')?.click();
    await settle();
    expect(api.updateThresholds).toHaveBeenCalledWith({
      scope: '62',
      values: {
        madNonIntegreeDays: null,
        madEnTraitementDays: null,
        aRecyclerSansReponseDays: null,
        montantDivergentToleranceCents: null,
        dgpMenaceHorizonDays: 5,
      },
    });
    expect(plain(element.querySelector('[role="status"]')?.textContent)).toContain(
      'Les anomalies ont été recalculées',
    );
  });

  it("shows the API's French message when saving fails", async () => {
    const { element, settle, button } = await render('/administration?onglet=seuils', {
      api: {
        updateThresholds: jest.fn(() =>
          Promise.reject(refusal('Un seuil global ne peut pas être vide.')),
        ),
      },
    });
    button('Enregistrer les valeurs globales')?.click();
    await settle();
    expect(plain(element.querySelector('[role="alert"]')?.textContent)).toBe(
      'Un seuil global ne peut pas être vide.',
    );
  });
});

describe('AdminPageComponent — Utilisateurs', () => {
  it('lists users with role labels, budget limits and French dates in Paris time', async () => {
    const { element } = await render('/administration?onglet=utilisateurs');
    const rows = element.querySelectorAll('table.users tbody tr');
    expect(rows).toHaveLength(2);
    expect(plain(rows[0]?.textContent)).toContain('chef.sif@cd31.fr (vous)');
    expect(plain(rows[0]?.textContent)).toContain('Administrateur');
    expect(plain(rows[0]?.textContent)).toContain('Tous les budgets');
    // 23:30 UTC on 5 March is 00:30 on 6 March in Paris.
    expect(plain(rows[0]?.textContent)).toContain('06/03/2025 00:30');
    expect(plain(rows[1]?.textContent)).toContain('62 Laboratoire Eau Air (EVA)');
    expect(plain(rows[1]?.textContent)).toContain('Jamais');
  });

  it('says why the list could not be read, shows no table, and reads it again on retry', async () => {
    const fetchUsers = jest
      .fn()
      .mockRejectedValueOnce(refusal('Service indisponible.'))
      .mockResolvedValue(USERS);
    const { element, button, settle } = await render('/administration?onglet=utilisateurs', {
      api: { fetchUsers },
    });
    expect(plain(element.querySelector('[role="alert"]')?.textContent)).toContain(
      'Service indisponible.',
    );
    expect(element.querySelector('table.users')).toBeNull();
    expect(element.querySelector('.loading')).toBeNull();

    button('Réessayer')?.click();
    await settle();
    expect(fetchUsers).toHaveBeenCalledTimes(2);
    expect(element.querySelector('[role="alert"]')).toBeNull();
    expect(element.querySelectorAll('table.users tbody tr')).toHaveLength(2);
  });

  it('validates the creation form before sending, then creates', async () => {
    const created: UserDto = {
      ...USERS[0],
      id: 'u3',
      email: 'nouveau@cd31.fr',
      role: 'agent',
    } as UserDto;
    const { api, element, settle, button, type } = await render(
      '/administration?onglet=utilisateurs',
      { api: { createUser: jest.fn(() => Promise.resolve(created)) } },
    );
    type('#new-user-email', 'nouveau@cd31.fr');
    type('#new-user-name', 'Nouveau');
    type('#new-user-role', 'agent');
    type('#new-user-password', 'trop-court');
    button('Créer l’utilisateur')?.click();
    await settle();
    expect(api.createUser).not.toHaveBeenCalled();
    expect(plain(element.querySelector('#new-user-password-error')?.textContent)).toBe(
      'Le mot de passe doit comporter au moins 12 caractères.',
    );
    type('#new-user-password', 'assez-long-maintenant');
    // The budget limit: 62 checked, then 01 checked and unchecked again.
    const choice = element.querySelectorAll<HTMLInputElement>(
      'form:last-of-type cd31-budget-choice input[type="checkbox"]',
    );
    expect(choice).toHaveLength(2);
    for (const box of [choice[1], choice[0], choice[0]]) {
      box?.click();
      await settle();
    }
    expect(Array.from(choice).map((box) => box.checked)).toEqual([false, true]);
    button('Créer l’utilisateur')?.click();
    await settle();
    expect(api.createUser).toHaveBeenCalledWith({
      email: 'nouveau@cd31.fr',
      displayName: 'Nouveau',
      role: 'agent',
      password: 'assez-long-maintenant',
      budgetCodes: ['62'],
    });
    expect(element.querySelectorAll('table.users tbody tr')).toHaveLength(3);
  });

  it("asks for confirmation, then shows the API's refusal to remove your own rights", async () => {
    const { api, element, settle, button } = await render('/administration?onglet=utilisateurs', {
      api: {
        updateUser: jest.fn(() =>
          Promise.reject(
            refusal('Vous ne pouvez pas retirer vos propres droits d’administrateur.'),
          ),
        ),
      },
    });
    element.querySelector<HTMLButtonElement>('[aria-label="Désactiver chef.sif@cd31.fr"]')?.click();
    await settle();
    const dialog = element.querySelector('dialog');
    expect(dialog?.hasAttribute('open')).toBe(true);
    expect(plain(dialog?.textContent)).toContain('ne pourra plus se connecter');
    expect(api.updateUser).not.toHaveBeenCalled();
    const confirm = Array.from(dialog?.querySelectorAll('button') ?? []).find(
      (b) => plain(b.textContent) === 'Désactiver',
    );
    confirm?.click();
    await settle();
    expect(api.updateUser).toHaveBeenCalledWith('me', { active: false });
    expect(plain(element.querySelector('[role="alert"]')?.textContent)).toBe(
      'Vous ne pouvez pas retirer vos propres droits d’administrateur.',
    );
    expect(button('Désactiver')).toBeDefined();
  });
});

describe('AdminPageComponent — Modèles de commentaire', () => {
  it('previews the comment live (debounced) and blocks saving invalid templates', async () => {
    const previewRecycleComment = jest.fn(() =>
      Promise.resolve({ text: 'Bonjour, merci de corriger le SIRET.', length: 36, errors: [] }),
    );
    const { element, settle, button, type } = await render('/administration?onglet=modeles', {
      api: {
        fetchRecycleTemplates: jest.fn(() =>
          Promise.resolve({
            templates: DEFAULT_RECYCLE_TEMPLATES,
            defaults: DEFAULT_RECYCLE_TEMPLATES,
          }),
        ),
        previewRecycleComment,
        updateRecycleTemplates: jest.fn(),
      },
    });
    type('#tpl-prefix', 'Bonjour, ');
    type('#tpl-prefix', 'Madame, Monsieur, merci de ');
    await settle(500);
    await settle();
    // One call for the last state only.
    expect(previewRecycleComment).toHaveBeenCalledTimes(1);
    expect(previewRecycleComment).toHaveBeenCalledWith({
      templates: { ...DEFAULT_RECYCLE_TEMPLATES, prefix: 'Madame, Monsieur, merci de ' },
      anomalies: ['BUDGET_INCOHERENT', 'ENGAGEMENT_MAL_FORME'],
    });
    expect(plain(element.querySelector('.preview-text')?.textContent)).toBe(
      'Bonjour, merci de corriger le SIRET.',
    );
    expect(plain(element.querySelector('.counter')?.textContent)).toBe('36 / 255 caractères');

    type('#tpl-prefix', 'Bonjour {inconnue} ');
    await settle();
    expect(plain(element.querySelector('ul.errors')?.textContent)).toContain(
      'Le début du commentaire : variable inconnue « {inconnue} ».',
    );
    expect(button('Enregistrer les modèles')?.disabled).toBe(true);
    await settle(500);
    expect(previewRecycleComment).toHaveBeenCalledTimes(1);
  });
});
