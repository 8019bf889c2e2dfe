import { inject } from '@angular/core';
import { Router, type CanActivateFn } from '@angular/router';
import type { Permission } from '@cd31/domain';
import { SessionService } from './session.service';

/** Pages need a session; without one the user goes to the sign-in page and comes back after. */
export const signedInGuard: CanActivateFn = (_route, state) => {
  const session = inject(SessionService);
  if (session.signedIn()) {
    return true;
  }
  return inject(Router).createUrlTree(['/connexion'], { queryParams: { retour: state.url } });
};

/** A page reserved to a permission (e.g. administration). */
export function permissionGuard(permission: Permission): CanActivateFn {
  return () => {
    const session = inject(SessionService);
    return session.can(permission) ? true : inject(Router).createUrlTree(['/']);
  };
}
