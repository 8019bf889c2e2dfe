/**
 * Invoice states on both sides of the chain: Chorus Pro (what a recipient sees, domain.md §4 and
 * chorus-pro-api.md "Statuses") and ASTRE (astre-export.md, column `Etat`).
 */

/**
 * Chorus Pro statuses a recipient sees, in lifecycle order: the processing path first, then the
 * return statuses. Chorus Pro's full enum has 56 values; unknown ones are stored as they come and
 * shown by their code.
 */
export const CHORUS_RECIPIENT_STATUSES = [
  'DEPOSEE',
  'EN_COURS_ACHEMINEMENT',
  'MISE_A_DISPOSITION',
  'SERVICE_FAIT',
  'MANDATEE',
  'MISE_A_DISPOSITION_COMPTABLE',
  'COMPTABILISEE',
  'MISE_EN_PAIEMENT',
  'A_RECYCLER',
  'SUSPENDUE',
  'COMPLETEE',
  'REJETEE',
] as const;
export type ChorusStatus = (typeof CHORUS_RECIPIENT_STATUSES)[number];

export const CHORUS_STATUS_LABELS: Readonly<Record<ChorusStatus, string>> = {
  DEPOSEE: 'Déposée',
  EN_COURS_ACHEMINEMENT: "En cours d'acheminement",
  MISE_A_DISPOSITION: 'Mise à disposition',
  SERVICE_FAIT: 'Service fait',
  MANDATEE: 'Mandatée',
  MISE_A_DISPOSITION_COMPTABLE: 'Mise à disposition comptable',
  COMPTABILISEE: 'Comptabilisée',
  MISE_EN_PAIEMENT: 'Mise en paiement',
  A_RECYCLER: 'À recycler',
  SUSPENDUE: 'Suspendue',
  COMPLETEE: 'Complétée',
  REJETEE: 'Rejetée',
};

/** Numeric codes used by finance software status files (chorus-pro-api.md). */
export const CHORUS_STATUS_NUMERIC_CODES: Readonly<Record<ChorusStatus, string>> = {
  DEPOSEE: '01',
  EN_COURS_ACHEMINEMENT: '02',
  MISE_A_DISPOSITION: '03',
  A_RECYCLER: '04',
  REJETEE: '05',
  SUSPENDUE: '06',
  SERVICE_FAIT: '07',
  MANDATEE: '08',
  MISE_A_DISPOSITION_COMPTABLE: '09',
  COMPTABILISEE: '10',
  MISE_EN_PAIEMENT: '11',
  COMPLETEE: '12',
};

export function isChorusStatus(value: unknown): value is ChorusStatus {
  return (
    typeof value === 'string' && (CHORUS_RECIPIENT_STATUSES as readonly string[]).includes(value)
  );
}

/** French label of a status; an unknown status is shown by its code, an empty one as `—`. */
export function chorusStatusLabel(status: string | null | undefined): string {
  if (status === null || status === undefined || status.trim() === '') {
    return '—';
  }
  return isChorusStatus(status) ? CHORUS_STATUS_LABELS[status] : status;
}

/** `03` or `3` → MISE_A_DISPOSITION. */
export function chorusStatusFromNumericCode(code: string): ChorusStatus | null {
  const trimmed = code.trim();
  if (!/^\d{1,2}$/.test(trimmed)) {
    return null;
  }
  const padded = trimmed.padStart(2, '0');
  return CHORUS_RECIPIENT_STATUSES.find((s) => CHORUS_STATUS_NUMERIC_CODES[s] === padded) ?? null;
}

/**
 * The invoice has left the ordonnateur's hands towards payment: the payment-delay clock of the
 * dashboard stops (the mandate is the ordonnateur's last act; the accountant's part follows).
 */
export const CHORUS_SETTLED_STATUSES = [
  'MANDATEE',
  'MISE_A_DISPOSITION_COMPTABLE',
  'COMPTABILISEE',
  'MISE_EN_PAIEMENT',
] as const satisfies readonly ChorusStatus[];

/**
 * Statuses during which the payment delay is "open" (runs, or is suspended): every known recipient
 * status except the settled ones and REJETEE (a rejected invoice will never be paid; the supplier
 * issues a new one, with a new clock).
 *
 * - DEPOSEE, EN_COURS_ACHEMINEMENT: open, but the clock has not started (it starts at the first
 *   MISE_A_DISPOSITION);
 * - MISE_A_DISPOSITION, SERVICE_FAIT, COMPLETEE: the clock runs;
 * - SUSPENDUE: open, the clock is suspended (see payment-delay.ts);
 * - A_RECYCLER: open and the clock keeps running — domain.md §8 starts the delay at the *first*
 *   MISE_A_DISPOSITION, so sending an invoice back for recycling does not restart it. This is the
 *   conservative reading: it never under-states the delay.
 */
export const CHORUS_PAYMENT_DELAY_OPEN_STATUSES = [
  'DEPOSEE',
  'EN_COURS_ACHEMINEMENT',
  'MISE_A_DISPOSITION',
  'SERVICE_FAIT',
  'A_RECYCLER',
  'SUSPENDUE',
  'COMPLETEE',
] as const satisfies readonly ChorusStatus[];

/** Unknown statuses are neither open nor settled: they are shown, never counted. */
export function isPaymentDelayOpen(status: string | null | undefined): boolean {
  return (CHORUS_PAYMENT_DELAY_OPEN_STATUSES as readonly (string | null | undefined)[]).includes(
    status,
  );
}

export function isSettledStatus(status: string | null | undefined): boolean {
  return (CHORUS_SETTLED_STATUSES as readonly (string | null | undefined)[]).includes(status);
}

/** ASTRE processing states (astre-export.md, column `Etat`): the path first, then the returns. */
export const ASTRE_STATES = [
  'INTEGREE',
  'SERVICE_FAIT',
  'MANDATEE',
  'PAYEE',
  'SUSPENDUE',
  'REJETEE',
  'A_RECYCLER',
] as const;
export type AstreState = (typeof ASTRE_STATES)[number];

export const ASTRE_STATE_LABELS: Readonly<Record<AstreState, string>> = {
  INTEGREE: 'Intégrée',
  SERVICE_FAIT: 'Service fait',
  MANDATEE: 'Mandatée',
  PAYEE: 'Payée',
  SUSPENDUE: 'Suspendue',
  REJETEE: 'Rejetée',
  A_RECYCLER: 'À recycler',
};

/**
 * Position on the processing path (1 integrated → 4 paid); null for the return states, which are
 * not "further" than any other state. Display order is ASTRE_STATES' order.
 */
export const ASTRE_STATE_PROGRESS: Readonly<Record<AstreState, number | null>> = {
  INTEGREE: 1,
  SERVICE_FAIT: 2,
  MANDATEE: 3,
  PAYEE: 4,
  SUSPENDUE: null,
  REJETEE: null,
  A_RECYCLER: null,
};

export function isAstreState(value: unknown): value is AstreState {
  return typeof value === 'string' && (ASTRE_STATES as readonly string[]).includes(value);
}

function foldLabel(label: string): string {
  return label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z]+/g, '_')
    .replace(/^_|_$/g, '');
}

/**
 * Reads an ASTRE state as exported (`Intégrée`, `Service fait`, `A recycler`…) or as a code
 * (`SERVICE_FAIT`), ignoring case, accents, spaces and punctuation. Null when unknown.
 */
export function parseAstreState(label: string | null | undefined): AstreState | null {
  if (label === null || label === undefined) {
    return null;
  }
  const folded = foldLabel(label);
  return isAstreState(folded) ? folded : null;
}

/**
 * Processing rank of the Chorus statuses MAD_STATUT_NON_REMONTE looks at: a Chorus status at
 * rank r is behind an ASTRE state of progress > r.
 */
const CHORUS_BEHIND_RANK: Partial<Record<ChorusStatus, number>> = {
  MISE_A_DISPOSITION: 1,
  SERVICE_FAIT: 2,
};

/**
 * MAD_STATUT_NON_REMONTE (domain.md §7): Chorus Pro still shows MISE_A_DISPOSITION or
 * SERVICE_FAIT while ASTRE has gone further on the processing path (service fait, mandatée,
 * payée). Chorus SERVICE_FAIT with ASTRE SERVICE_FAIT is in step, not behind. ASTRE's return
 * states (suspendue, rejetée, à recycler) are not "further" and are not covered by this rule.
 */
export function astreIsAhead(
  chorusStatus: string | null | undefined,
  astreState: string | null | undefined,
): boolean {
  const chorusRank = isChorusStatus(chorusStatus) ? CHORUS_BEHIND_RANK[chorusStatus] : undefined;
  const astre = isAstreState(astreState) ? astreState : parseAstreState(astreState);
  const astreRank = astre === null ? null : ASTRE_STATE_PROGRESS[astre];
  if (chorusRank === undefined || astreRank === null) {
    return false;
  }
  return astreRank >= 2 && astreRank > chorusRank;
}
