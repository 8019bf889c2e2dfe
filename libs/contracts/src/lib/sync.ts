export type SyncTrigger = 'cron' | 'manual' | 'startup';
export type SyncRunStatus = 'running' | 'success' | 'partial' | 'failed' | 'interrupted';

/** One budget's part of a sync run: the window pulled and what came back. */
export interface SyncBudgetRunDto {
  readonly budgetCode: string;
  readonly budgetLabel: string;
  readonly status: SyncRunStatus;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly windowFrom: string | null;
  readonly windowTo: string | null;
  readonly pagesDeclared: number;
  readonly pagesRead: number;
  readonly invoicesDeclared: number;
  readonly invoicesSeen: number;
  readonly invoicesNew: number;
  readonly invoicesChanged: number;
  readonly eventsCreated: number;
  readonly historyCalls: number;
  readonly error: string | null;
  /** e.g. pages declared ≠ pages read. */
  readonly warning: string | null;
}

export interface SyncRunDto {
  readonly id: number;
  readonly trigger: SyncTrigger;
  readonly requestedBy: string | null;
  readonly status: SyncRunStatus;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly error: string | null;
  readonly budgets: readonly SyncBudgetRunDto[];
}

/** Answer to "Synchroniser maintenant": the run started, or the one already running. */
export interface SyncRequestResultDto {
  readonly started: boolean;
  readonly run: SyncRunDto;
}

/** Health of the Chorus Pro technical account. */
export interface ChorusAccountHealthDto {
  readonly simulated: boolean;
  readonly passwordExpiresAt: string | null;
  /** Whole days until the password expires (negative once expired). */
  readonly passwordDaysLeft: number | null;
  /** The dashboard warns 30 days before. */
  readonly passwordExpiresSoon: boolean;
  readonly checkedAt: string | null;
  readonly lastSuccessAt: string | null;
  readonly lastFailureAt: string | null;
  readonly lastError: string | null;
}
