import { hash32 } from './prng';

/**
 * What the generator planted on an invoice. Every block of 200 consecutive invoices holds each
 * scenario exactly as many times as SLOT_COUNTS says (the order inside a block is a seeded
 * permutation), so any dataset of 600+ invoices contains every plant, whatever the seed.
 */
export const INVOICE_SCENARIOS = [
  'NORMAL',
  'MAD_NON_TELECHARGEE',
  'STATUT_NON_REMONTE',
  'TRAITEMENT_LENT',
  'BUDGET_ASTRE_DIFFERENT',
  'MONTANT_DIVERGENT',
  'MONTANT_ECART_UN_CENTIME',
  'ASTRE_SANS_NUMERO_CHORUS',
  'ENGAGEMENT_ABSENT',
  'ENGAGEMENT_MAL_FORME',
  'ENGAGEMENT_INCONNU',
  'ENGAGEMENT_AUTRE_BUDGET',
  'CODE_SERVICE_ABSENT',
  'CODE_SERVICE_INCONNU',
  'SUSPENDUE_EN_ATTENTE',
  'SUSPENDUE_COMPLETEE',
  'RECYCLEE_REDEPOSEE',
  'SERVICE_FAIT_NON_MANDATE',
  'REJETEE',
  'AVOIR',
  'DOUBLON_ORIGINAL',
  'DOUBLON_COPIE',
  'DOUBLON_COPIE_VARIANTE',
  'DOUBLON_COPIE_REJETEE',
  'DEPOT_FUTUR',
] as const;

export type InvoiceScenario = (typeof INVOICE_SCENARIOS)[number];

export const SCENARIO_BLOCK_SIZE = 200;

/** Slots per block of 200. The three duplicate pairs come first: a copy's original is the slot before it. */
const SLOT_COUNTS: readonly (readonly [InvoiceScenario, number])[] = [
  ['DOUBLON_ORIGINAL', 1],
  ['DOUBLON_COPIE', 1],
  ['DOUBLON_ORIGINAL', 1],
  ['DOUBLON_COPIE_VARIANTE', 1],
  ['DOUBLON_ORIGINAL', 1],
  ['DOUBLON_COPIE_REJETEE', 1],
  ['MAD_NON_TELECHARGEE', 5],
  ['STATUT_NON_REMONTE', 5],
  ['TRAITEMENT_LENT', 5],
  ['BUDGET_ASTRE_DIFFERENT', 3],
  ['MONTANT_DIVERGENT', 3],
  ['MONTANT_ECART_UN_CENTIME', 1],
  ['ASTRE_SANS_NUMERO_CHORUS', 6],
  ['ENGAGEMENT_ABSENT', 3],
  ['ENGAGEMENT_MAL_FORME', 4],
  ['ENGAGEMENT_INCONNU', 3],
  ['ENGAGEMENT_AUTRE_BUDGET', 3],
  ['CODE_SERVICE_ABSENT', 3],
  ['CODE_SERVICE_INCONNU', 3],
  ['SUSPENDUE_EN_ATTENTE', 3],
  ['SUSPENDUE_COMPLETEE', 3],
  ['RECYCLEE_REDEPOSEE', 2],
  ['SERVICE_FAIT_NON_MANDATE', 4],
  ['REJETEE', 2],
  ['AVOIR', 3],
  ['DEPOT_FUTUR', 2],
];

const SLOT_SCENARIOS: readonly number[] = (() => {
  const slots: number[] = [];
  for (const [scenario, count] of SLOT_COUNTS) {
    for (let k = 0; k < count; k++) {
      slots.push(INVOICE_SCENARIOS.indexOf(scenario));
    }
  }
  while (slots.length < SCENARIO_BLOCK_SIZE) {
    slots.push(0);
  }
  if (slots.length !== SCENARIO_BLOCK_SIZE) {
    throw new Error('scenario slots overflow the block');
  }
  return slots;
})();

/** Multipliers coprime with 200 and their inverses: pos ↦ (a·pos + b) mod 200 is a permutation. */
const UNITS: readonly (readonly [number, number])[] = (() => {
  const units: [number, number][] = [];
  for (let a = 1; a < SCENARIO_BLOCK_SIZE; a++) {
    for (let inv = 1; inv < SCENARIO_BLOCK_SIZE; inv++) {
      if ((a * inv) % SCENARIO_BLOCK_SIZE === 1) {
        units.push([a, inv]);
        break;
      }
    }
  }
  return units;
})();

function blockPermutation(seed: number, block: number): readonly [number, number, number] {
  const h = hash32(seed, block, 7);
  const [a, inverse] = UNITS[h % UNITS.length] ?? [1, 1];
  return [a, inverse, (h >>> 8) % SCENARIO_BLOCK_SIZE];
}

/** The slot (0–199) that invoice `index` occupies in its block. */
export function slotOf(seed: number, index: number): number {
  const block = Math.floor(index / SCENARIO_BLOCK_SIZE);
  const [a, , b] = blockPermutation(seed, block);
  return (a * (index % SCENARIO_BLOCK_SIZE) + b) % SCENARIO_BLOCK_SIZE;
}

/** Index of the invoice occupying `slot` in the block of `index` (may be ≥ the invoice count). */
export function indexOfSlot(seed: number, index: number, slot: number): number {
  const block = Math.floor(index / SCENARIO_BLOCK_SIZE);
  const [, inverse, b] = blockPermutation(seed, block);
  const position = (inverse * (slot - b + SCENARIO_BLOCK_SIZE)) % SCENARIO_BLOCK_SIZE;
  return block * SCENARIO_BLOCK_SIZE + position;
}

export function slotScenario(slot: number): InvoiceScenario {
  return INVOICE_SCENARIOS[SLOT_SCENARIOS[slot] ?? 0] ?? 'NORMAL';
}

export function scenarioCode(scenario: InvoiceScenario): number {
  return INVOICE_SCENARIOS.indexOf(scenario);
}

export function scenarioFromCode(code: number): InvoiceScenario {
  return INVOICE_SCENARIOS[code] ?? 'NORMAL';
}
