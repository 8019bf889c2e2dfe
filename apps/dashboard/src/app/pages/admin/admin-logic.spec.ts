import { DEFAULT_RECYCLE_TEMPLATES } from '@cd31/domain';
import { THRESHOLD_SETTINGS } from '../../../testing/admin-test-data';
import { auditFiltersError, auditPageQuery, pageLabel } from './audit';
import { budgetFormErrors, createBudgetRequest } from './budgets';
import {
  addRow,
  formatRate,
  legalRate,
  nextHalfYear,
  parseRate,
  ratesToSave,
  removeRow,
  toDraft,
  updateRate,
} from './interest-rates';
import { profileErrors, profileUpdate, textToAliases } from './profiles';
import {
  addVariant,
  lengthCounter,
  moveVariant,
  previewRequest,
  removeVariant,
  setText,
  setVariant,
  toggleAnomaly,
} from './templates';
import {
  formatThreshold,
  overrideDraft,
  removeOverrideRequest,
  thresholdRequest,
  thresholdRows,
} from './thresholds';
import {
  budgetsLabel,
  createUserRequest,
  EMPTY_USER_FORM,
  userFormErrors,
  userUpdateRequest,
} from './users';

describe('thresholds', () => {
  it('shapes the budget × threshold table with the effective value and an override marker', () => {
    const rows = thresholdRows(THRESHOLD_SETTINGS, [
      { code: '62', label: 'EVA', siret: '22310001700225', active: false, updatedAt: '' },
    ]);
    expect(rows.map((r) => r.budgetCode)).toEqual(['01', '62']);
    expect(rows[0]?.budgetLabel).toBe('');
    expect(rows[0]?.overrideCount).toBe(0);
    expect(rows[1]).toMatchObject({ budgetLabel: 'EVA', active: false, overrideCount: 1 });
    expect(rows[1]?.cells[0]).toEqual({ key: 'madNonIntegreeDays', value: 10, overridden: true });
    expect(rows[1]?.cells[2]).toEqual({
      key: 'aRecyclerSansReponseDays',
      value: 15,
      overridden: false,
    });
  });

  it('formats values with their unit', () => {
    expect(formatThreshold('madNonIntegreeDays', 1)).toBe('1 jour');
    expect(formatThreshold('aRecyclerSansReponseDays', 15)).toBe('15 jours');
    expect(formatThreshold('montantDivergentToleranceCents', 1000)).toMatch(/^1\s000 centimes$/);
  });

  it('requires every global value and enforces min/max', () => {
    const draft = { ...overrideDraft({}), madNonIntegreeDays: '400' };
    const result = thresholdRequest('global', draft);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors[0]).toBe(
        '« Mise à disposition non intégrée après » doit être un nombre entier de jours entre 0 et 365.',
      );
      expect(result.errors).toHaveLength(5);
    }
  });

  it('sends a budget’s empty fields as null, removing its overrides', () => {
    const draft = { ...overrideDraft({ madNonIntegreeDays: 10 }), dgpMenaceHorizonDays: ' 5 ' };
    expect(thresholdRequest('62', draft)).toEqual({
      ok: true,
      request: {
        scope: '62',
        values: {
          madNonIntegreeDays: 10,
          madEnTraitementDays: null,
          aRecyclerSansReponseDays: null,
          montantDivergentToleranceCents: null,
          dgpMenaceHorizonDays: 5,
        },
      },
    });
    expect(thresholdRequest('62', { ...draft, dgpMenaceHorizonDays: '2.5' }).ok).toBe(false);
    expect(removeOverrideRequest('62', 'madNonIntegreeDays')).toEqual({
      scope: '62',
      values: { madNonIntegreeDays: null },
    });
  });
});

describe('interest rates', () => {
  const rows = [
    { halfYearStart: '2025-01-01', ecbRate: 3.15 },
    { halfYearStart: '2025-07-01', ecbRate: 2.15 },
  ] as const;

  it('parses French decimals and computes the legal rate (ECB + 8 points)', () => {
    expect(parseRate('2,15')).toBe(2.15);
    expect(parseRate(' 4.5 % ')).toBe(4.5);
    expect(parseRate('abc')).toBeNull();
    expect(parseRate('')).toBeNull();
    expect(legalRate(2.15)).toBe(10.15);
    expect(formatRate(legalRate(4.25))).toMatch(/^12,25\s%$/);
  });

  it('edits, adds and removes rows, newest first, and proposes the next half-year', () => {
    let draft = toDraft(rows);
    expect(draft.map((r) => r.halfYearStart)).toEqual(['2025-07-01', '2025-01-01']);
    expect(draft[0]?.ecbRate).toBe('2,15');
    expect(nextHalfYear(draft)).toEqual({ year: 2026, half: '01-01' });
    draft = addRow(draft, '2026-01-01', '2,15');
    expect(draft[0]?.halfYearStart).toBe('2026-01-01');
    expect(nextHalfYear(draft)).toEqual({ year: 2026, half: '07-01' });
    draft = updateRate(draft, '2025-01-01', '3,5');
    draft = removeRow(draft, '2025-07-01');
    expect(ratesToSave(draft)).toEqual({
      ok: true,
      rows: [
        { halfYearStart: '2025-01-01', ecbRate: 3.5 },
        { halfYearStart: '2026-01-01', ecbRate: 2.15 },
      ],
    });
  });

  it('refuses the table with the domain’s messages before sending', () => {
    const bad = ratesToSave([
      { halfYearStart: '2025-01-01', ecbRate: 'x' },
      { halfYearStart: '2025-07-01', ecbRate: '45' },
    ]);
    expect(bad).toEqual({
      ok: false,
      errors: [
        'Le taux BCE du semestre du 01/01/2025 doit être un nombre (par exemple 2,15).',
        'Le taux BCE du semestre 2025-07-01 doit être un pourcentage entre -10 et 30.',
      ],
    });
    const duplicate = ratesToSave([
      { halfYearStart: '2025-01-01', ecbRate: '1' },
      { halfYearStart: '2025-01-01', ecbRate: '2' },
    ]);
    expect(duplicate.ok).toBe(false);
  });
});

describe('recycle templates', () => {
  it('edits the texts and variants and builds the preview request', () => {
    let t = setText(DEFAULT_RECYCLE_TEMPLATES, 'prefix', 'Bonjour, ');
    t = setVariant(t, 'ENGAGEMENT_ABSENT', 0, 'renseigner l’engagement');
    expect(t.prefix).toBe('Bonjour, ');
    expect(t.parts.ENGAGEMENT_ABSENT[0]).toBe('renseigner l’engagement');
    // The defaults are untouched.
    expect(DEFAULT_RECYCLE_TEMPLATES.prefix).toBe('Bonjour, merci de ');

    const n = t.parts.ENGAGEMENT_ABSENT.length;
    t = addVariant(t, 'ENGAGEMENT_ABSENT');
    expect(t.parts.ENGAGEMENT_ABSENT).toHaveLength(n + 1);
    // Inserted before the barest variant, which stays last.
    expect(t.parts.ENGAGEMENT_ABSENT[n - 1]).toBe('');
    expect(t.parts.ENGAGEMENT_ABSENT[n]).toBe("renseigner le numéro d'engagement");
    t = removeVariant(t, 'ENGAGEMENT_ABSENT', n - 1);
    expect(t.parts.ENGAGEMENT_ABSENT).toHaveLength(n);
    const moved = moveVariant(t, 'ENGAGEMENT_ABSENT', 0, 1);
    expect(moved.parts.ENGAGEMENT_ABSENT[1]).toBe('renseigner l’engagement');
    expect(moveVariant(t, 'ENGAGEMENT_ABSENT', 0, -1)).toBe(t);

    const anomalies = toggleAnomaly(toggleAnomaly([], 'ENGAGEMENT_INCONNU'), 'BUDGET_INCOHERENT');
    expect(anomalies).toEqual(['BUDGET_INCOHERENT', 'ENGAGEMENT_INCONNU']);
    expect(previewRequest(t, anomalies)).toEqual({
      templates: t,
      anomalies: ['BUDGET_INCOHERENT', 'ENGAGEMENT_INCONNU'],
    });
    expect(previewRequest(t, toggleAnomaly(['BUDGET_INCOHERENT'], 'BUDGET_INCOHERENT'))).toBeNull();
    expect(lengthCounter(142)).toBe('142 / 255');
  });
});

describe('user forms', () => {
  it('validates the creation form in French', () => {
    expect(userFormErrors(EMPTY_USER_FORM)).toEqual({
      email: 'L’adresse e-mail est obligatoire.',
      displayName: 'Le nom est obligatoire.',
      role: 'Choisissez un rôle.',
      password: 'Le mot de passe est obligatoire.',
    });
    const form = {
      email: ' chef.sif@cd31.fr ',
      displayName: 'Camille Martin',
      role: 'agent' as const,
      password: 'court',
      budgetCodes: ['62', '01'],
    };
    expect(userFormErrors(form)).toEqual({
      password: 'Le mot de passe doit comporter au moins 12 caractères.',
    });
    expect(userFormErrors({ ...form, email: 'pas-une-adresse' }).email).toBe(
      'L’adresse e-mail est invalide.',
    );
    expect(createUserRequest(form)).toBeNull();
    expect(createUserRequest({ ...form, password: 'douze-car-ok' })).toEqual({
      email: 'chef.sif@cd31.fr',
      displayName: 'Camille Martin',
      role: 'agent',
      password: 'douze-car-ok',
      budgetCodes: ['01', '62'],
    });
    expect(
      createUserRequest({ ...form, password: 'douze-car-ok', budgetCodes: [] })?.budgetCodes,
    ).toBeNull();
  });

  it('sends only what changed', () => {
    const user = {
      id: 'u1',
      email: 'a@cd31.fr',
      displayName: 'A',
      role: 'agent' as const,
      budgetCodes: null,
      active: true,
      lastSignInAt: null,
      createdAt: '',
    };
    expect(
      userUpdateRequest(user, { displayName: 'A', role: 'agent', budgetCodes: [] }),
    ).toBeNull();
    expect(
      userUpdateRequest(user, { displayName: 'A ', role: 'admin', budgetCodes: ['62'] }),
    ).toEqual({ role: 'admin', budgetCodes: ['62'] });
    expect(
      userUpdateRequest({ ...user, budgetCodes: ['62'] }, { ...user, budgetCodes: [] }),
    ).toEqual({ budgetCodes: null });
    expect(budgetsLabel(null, [])).toBe('Tous les budgets');
    expect(
      budgetsLabel(['62'], [{ code: '62', label: 'EVA', siret: '', active: true, updatedAt: '' }]),
    ).toBe('62 EVA');
  });
});

describe('budgets, profiles, audit', () => {
  it('checks the SIRET with the domain before sending', () => {
    expect(budgetFormErrors({ code: '7', label: '', siret: '22310001700424' })).toEqual({
      code: 'Le code budget doit comporter exactement 2 chiffres (par exemple 07).',
      label: 'Le libellé est obligatoire.',
      siret: 'Le SIRET est invalide : sa clé de contrôle (Luhn) ne correspond pas.',
    });
    expect(
      createBudgetRequest({ code: '70', label: ' Annexe ', siret: '223 100 017 00423' }),
    ).toEqual({ code: '70', label: 'Annexe', siret: '22310001700423' });
  });

  it('turns one header per line into a list and requires the mandatory columns', () => {
    expect(textToAliases(' Budget \n\nbudget\nBudget\r\nCode budget')).toEqual([
      'Budget',
      'budget',
      'Code budget',
    ]);
    const draft = {
      kind: 'engagements' as const,
      separator: ';' as const,
      encoding: 'auto' as const,
      aliases: { budgetCode: 'Budget', engagementNumber: '  ' },
    };
    expect(profileErrors(draft)).toEqual([
      'La colonne obligatoire « N° engagement » doit avoir au moins un en-tête.',
    ]);
    expect(profileUpdate(draft).headerAliases).toMatchObject({
      budgetCode: ['Budget'],
      engagementNumber: [],
      solde: [],
    });
  });

  it('builds the audit query and its page label', () => {
    const filters = { action: ' user. ', actor: '', from: '2025-01-01', to: '' };
    expect(auditPageQuery(filters, 50)).toEqual({
      action: 'user.',
      actor: '',
      from: '2025-01-01',
      to: '',
      offset: 50,
      limit: 50,
    });
    expect(auditFiltersError({ ...filters, to: '2024-12-31' })).toBe(
      'La date de début doit précéder la date de fin.',
    );
    expect(pageLabel(50, 50, 1234).replace(/\s/g, ' ')).toBe('51–100 sur 1 234');
  });
});
