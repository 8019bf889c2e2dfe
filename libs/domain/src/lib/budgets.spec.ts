import { CD31_BUDGETS, isValidBudgetCode, normaliseBudgetCode } from './budgets';

describe('budgets', () => {
  it('holds the eight CD31 budgets with unique codes and SIRETs', () => {
    expect(CD31_BUDGETS).toHaveLength(8);
    expect(new Set(CD31_BUDGETS.map((b) => b.code)).size).toBe(8);
    expect(new Set(CD31_BUDGETS.map((b) => b.siret)).size).toBe(8);
  });

  it('restores the leading zero Excel drops from budget codes', () => {
    expect(normaliseBudgetCode('1')).toBe('01');
    expect(normaliseBudgetCode(' 62 ')).toBe('62');
    expect(normaliseBudgetCode('123')).toBeNull();
    expect(normaliseBudgetCode('A1')).toBeNull();
  });

  it('accepts only two-digit codes', () => {
    expect(isValidBudgetCode('01')).toBe(true);
    expect(isValidBudgetCode('1')).toBe(false);
  });
});
