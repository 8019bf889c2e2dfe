import { CreateBudget1764000000000 } from './1764000000000-create-budget';

/** Every migration, in order. Listed explicitly so that the bundled build needs no file globbing. */
export const MIGRATIONS = [CreateBudget1764000000000];
