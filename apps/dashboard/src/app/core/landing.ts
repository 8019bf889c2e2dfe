import { inject } from '@angular/core';
import type { RedirectFunction } from '@angular/router';
import type { Permission } from '@cd31/domain';
import { SessionService } from './session.service';

/**
 * Where a signed-in user lands: the anomaly list for whoever triages it (agents, administrators),
 * the budgets dashboard for the others (gestionnaires).
 */
export function landingPath(can: (permission: Permission) => boolean): string {
  return can('anomalies:triage') ? '/anomalies' : '/budgets';
}

export const landingRedirect: RedirectFunction = () => {
  const session = inject(SessionService);
  return landingPath((permission) => session.can(permission));
};
