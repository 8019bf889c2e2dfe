/** The Chorus Pro statuses a recipient sees (chorus-pro-api.md), in their numeric-code order. */
export const CHORUS_STATUSES = [
  'DEPOSEE',
  'EN_COURS_ACHEMINEMENT',
  'MISE_A_DISPOSITION',
  'A_RECYCLER',
  'REJETEE',
  'SUSPENDUE',
  'SERVICE_FAIT',
  'MANDATEE',
  'MISE_A_DISPOSITION_COMPTABLE',
  'COMPTABILISEE',
  'MISE_EN_PAIEMENT',
  'COMPLETEE',
] as const;

export type ChorusStatus = (typeof CHORUS_STATUSES)[number];

/** Compact code of a status: its index in CHORUS_STATUSES (numeric code of status files minus one). */
export type ChorusStatusCode = number;

const CODE_BY_STATUS = new Map<string, number>(CHORUS_STATUSES.map((s, i) => [s, i]));

export function statusCode(status: ChorusStatus): ChorusStatusCode {
  return CODE_BY_STATUS.get(status) ?? -1;
}

export function statusFromCode(code: ChorusStatusCode): ChorusStatus {
  const status = CHORUS_STATUSES[code];
  if (status === undefined) {
    throw new RangeError(`Unknown status code ${code}`);
  }
  return status;
}

export function isChorusStatus(value: unknown): value is ChorusStatus {
  return typeof value === 'string' && CODE_BY_STATUS.has(value);
}

/** Two-digit code used by finance software status files (`03` = MISE_A_DISPOSITION). */
export function statusFileCode(status: ChorusStatus): string {
  return String(statusCode(status) + 1).padStart(2, '0');
}

export const S_DEPOSEE = 0;
export const S_EN_COURS_ACHEMINEMENT = 1;
export const S_MISE_A_DISPOSITION = 2;
export const S_A_RECYCLER = 3;
export const S_REJETEE = 4;
export const S_SUSPENDUE = 5;
export const S_SERVICE_FAIT = 6;
export const S_MANDATEE = 7;
export const S_MISE_A_DISPOSITION_COMPTABLE = 8;
export const S_COMPTABILISEE = 9;
export const S_MISE_EN_PAIEMENT = 10;
export const S_COMPLETEE = 11;

/** One step of an invoice's status timeline. */
export interface StatusTransition {
  readonly statut: ChorusStatus;
  readonly at: Date;
  /** Comment recorded with the status (the recycling or suspension motif), else null. */
  readonly commentaire: string | null;
}
