import type { SyncRunStatus, SyncTrigger } from '@cd31/contracts';

export const SYNC_STATUS_LABELS: Readonly<Record<SyncRunStatus, string>> = {
  running: 'En cours',
  success: 'Réussie',
  partial: 'Partielle',
  failed: 'En échec',
  interrupted: 'Interrompue',
};

export const SYNC_TRIGGER_LABELS: Readonly<Record<SyncTrigger, string>> = {
  cron: 'Planifiée',
  manual: 'Manuelle',
  startup: 'Au démarrage',
};

/** "1 min 05 s", "12 s": how long a run took (or has been running). */
export function formatDuration(fromIso: string, toIso: string | null, now = Date.now()): string {
  const ms = Math.max(0, (toIso ? Date.parse(toIso) : now) - Date.parse(fromIso));
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) {
    return `${seconds} s`;
  }
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** Share of the declared pages already read, 0–100 (100 when nothing was declared). */
export function pagesProgress(pagesRead: number, pagesDeclared: number): number {
  if (pagesDeclared <= 0) {
    return 100;
  }
  return Math.min(100, Math.round((pagesRead / pagesDeclared) * 100));
}
