import type { BudgetDto, ThresholdSettingsDto, UpdateThresholdsRequest } from '@cd31/contracts';
import {
  ANOMALY_THRESHOLD_KEYS,
  ANOMALY_THRESHOLD_SETTINGS,
  thresholdErrors,
  type AnomalyThresholdKey,
  type AnomalyThresholds,
} from '@cd31/domain';

/** One cell of the budget × threshold table. */
export interface ThresholdCell {
  readonly key: AnomalyThresholdKey;
  /** What applies to the budget (its override, else the global value). */
  readonly value: number;
  /** The budget has its own value for this threshold. */
  readonly overridden: boolean;
}

export interface ThresholdRow {
  readonly budgetCode: string;
  /** The budget's label when the budgets list is known, else empty. */
  readonly budgetLabel: string;
  readonly active: boolean;
  readonly cells: readonly ThresholdCell[];
  readonly overrideCount: number;
}

/** The form's text for each threshold: `''` means "no value" (for a budget: use the global one). */
export type ThresholdDraft = Record<AnomalyThresholdKey, string>;

/** Shapes the API's answer into the budget × threshold table, in the catalogue's key order. */
export function thresholdRows(
  settings: ThresholdSettingsDto,
  budgets: readonly BudgetDto[] | null,
): ThresholdRow[] {
  return settings.budgets.map((entry) => {
    const budget = budgets?.find((b) => b.code === entry.budgetCode);
    const cells = ANOMALY_THRESHOLD_KEYS.map((key) => {
      const override = entry.overrides[key];
      return {
        key,
        value: entry.effective[key],
        overridden: typeof override === 'number',
      };
    });
    return {
      budgetCode: entry.budgetCode,
      budgetLabel: budget?.label ?? '',
      active: budget?.active ?? true,
      cells,
      overrideCount: cells.filter((c) => c.overridden).length,
    };
  });
}

/** `3 jours`, `1 centime`, `0 jour`. */
export function formatThreshold(key: AnomalyThresholdKey, value: number): string {
  const unit = ANOMALY_THRESHOLD_SETTINGS[key].unit;
  const singular = unit === 'jours' ? 'jour' : 'centime';
  return `${new Intl.NumberFormat('fr-FR').format(value)} ${Math.abs(value) > 1 ? unit : singular}`;
}

export function globalDraft(values: AnomalyThresholds): ThresholdDraft {
  return draftOf((key) => String(values[key]));
}

/** A budget's overrides; the thresholds it does not override are left empty. */
export function overrideDraft(overrides: Partial<AnomalyThresholds>): ThresholdDraft {
  return draftOf((key) => {
    const value = overrides[key];
    return typeof value === 'number' ? String(value) : '';
  });
}

function draftOf(value: (key: AnomalyThresholdKey) => string): ThresholdDraft {
  return Object.fromEntries(
    ANOMALY_THRESHOLD_KEYS.map((key) => [key, value(key)]),
  ) as ThresholdDraft;
}

/** The French message for one field, or null when it is valid (empty is valid for a budget). */
export function thresholdFieldError(
  key: AnomalyThresholdKey,
  raw: string,
  required: boolean,
): string | null {
  const text = raw.trim();
  if (text === '') {
    return required ? `« ${ANOMALY_THRESHOLD_SETTINGS[key].label} » est obligatoire.` : null;
  }
  const value = /^-?\d+$/.test(text) ? Number(text) : text;
  return thresholdErrors({ [key]: value })[0] ?? null;
}

export type ThresholdRequestResult =
  | { readonly ok: true; readonly request: UpdateThresholdsRequest }
  | { readonly ok: false; readonly errors: readonly string[] };

/**
 * The request for a scope: for `global` every threshold is required; for a budget an empty field
 * is sent as null, which removes its override (the global value applies again).
 */
export function thresholdRequest(scope: string, draft: ThresholdDraft): ThresholdRequestResult {
  const required = scope === 'global';
  const errors: string[] = [];
  const values: Partial<Record<AnomalyThresholdKey, number | null>> = {};
  for (const key of ANOMALY_THRESHOLD_KEYS) {
    const error = thresholdFieldError(key, draft[key], required);
    if (error) {
      errors.push(error);
      continue;
    }
    const text = draft[key].trim();
    values[key] = text === '' ? null : Number(text);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, request: { scope, values } };
}

/** Removes one override of a budget, the others untouched. */
export function removeOverrideRequest(
  budgetCode: string,
  key: AnomalyThresholdKey,
): UpdateThresholdsRequest {
  return { scope: budgetCode, values: { [key]: null } };
}
