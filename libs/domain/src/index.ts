export * from './lib/siret';
export * from './lib/budgets';
export * from './lib/roles';
