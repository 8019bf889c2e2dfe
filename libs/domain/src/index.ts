export * from './lib/siret';
export * from './lib/budgets';
