import { CD31_STRUCTURES, orderingServices } from './structures';
import { Prng } from './prng';
import { type Supplier } from './suppliers';

/** A row of the ASTRE engagements reference list (astre-export.md, file 2). */
export interface AstreEngagement {
  readonly index: number;
  /** Index of the budget in CD31_BUDGETS / CD31_STRUCTURES. */
  readonly budgetIndex: number;
  readonly budgetCode: string;
  readonly numero: string;
  readonly codeService: string;
  readonly supplierIndex: number;
  readonly siretFournisseur: string;
  readonly montantEngageCents: number;
  readonly soldeCents: number;
}

/** The two well-formed shapes of domain.md §3, as this library checks them. */
export const ENGAGEMENT_CP_PATTERN = /^CP\d{4}\/[A-Z]\d+\/\d+$/;
export const ENGAGEMENT_AP_PATTERN = /^AP\d{4}\/\d+$/;

/** True when the value, exactly as given (no trimming), has one of the two formats. */
export function isWellFormedEngagement(value: string): boolean {
  return ENGAGEMENT_CP_PATTERN.test(value) || ENGAGEMENT_AP_PATTERN.test(value);
}

/** Budget weights: most invoices go to the main budget. Same order as CD31_BUDGETS. */
export const BUDGET_WEIGHTS: readonly number[] = [60, 8, 3, 8, 4, 4, 5, 8];

/** Number of engagements for a dataset of `invoiceCount` invoices (AP numbers stay unique). */
export function engagementCountFor(invoiceCount: number): number {
  return Math.max(120, Math.min(20_000, Math.round(invoiceCount / 6)));
}

/**
 * Engagement numbers are unique by construction: CP numbers carry 100000 + index, AP numbers
 * 1000 + their own rank. Numbers planted as "unknown" use 800000+ / 9000+, which never occur here.
 */
export function generateEngagements(
  seed: number,
  count: number,
  suppliers: readonly Supplier[],
  years: readonly number[],
): readonly AstreEngagement[] {
  const prng = Prng.for(seed, 0, 102);
  const engagements: AstreEngagement[] = [];
  let apRank = 0;
  for (let index = 0; index < count; index++) {
    // The first 8 engagements cover every budget once, whatever the weights draw.
    const budgetIndex = index < CD31_STRUCTURES.length ? index : prng.weighted(BUDGET_WEIGHTS);
    const structure = CD31_STRUCTURES[budgetIndex];
    if (!structure) {
      throw new Error('budget index out of range');
    }
    const year = prng.pick(years);
    const isAp = index % 8 === 7;
    const numero = isAp
      ? `AP${year}/${1000 + apRank++}`
      : `CP${year}/${String.fromCharCode(65 + prng.int(26))}${100000 + index}/${prng.intBetween(1, 3)}`;
    const supplier = suppliers[Math.floor(suppliers.length * prng.next() ** 2)] ?? suppliers[0];
    if (!supplier) {
      throw new Error('no supplier');
    }
    const montantEngageCents = Math.round(
      Math.exp(prng.between(Math.log(2_000), Math.log(400_000))) * 100,
    );
    engagements.push({
      index,
      budgetIndex,
      budgetCode: structure.budget.code,
      numero,
      codeService: prng.pick(orderingServices(structure)).codeService,
      supplierIndex: supplier.index,
      siretFournisseur: supplier.siret,
      montantEngageCents,
      soldeCents: Math.round(montantEngageCents * prng.between(0, 0.8)),
    });
  }
  return engagements;
}

/** A well-formed engagement number that no generated engagement carries (ENGAGEMENT_INCONNU). */
export function unknownEngagementNumber(prng: Prng, year: number): string {
  return prng.chance(0.8)
    ? `CP${year}/${String.fromCharCode(65 + prng.int(26))}${800000 + prng.int(100000)}/${prng.intBetween(1, 3)}`
    : `AP${year}/${9000 + prng.int(1000)}`;
}

/**
 * A malformed but fixable spelling of a well-formed engagement number (ENGAGEMENT_MAL_FORME):
 * lower case, spaces inside, or extra text around it. Never only leading/trailing spaces, so that
 * a reader that trims still sees it malformed.
 */
export function malformedEngagement(prng: Prng, numero: string): string {
  switch (prng.int(6)) {
    case 0:
      return numero.toLowerCase();
    case 1:
      return numero.replace('/', ' / ');
    case 2:
      return numero.replace(/^(CP|AP)/, '$1 ');
    case 3:
      return `EJ ${numero}`;
    case 4:
      return `${numero} - bon de commande`;
    default:
      return `n° ${numero.toLowerCase()}`;
  }
}
