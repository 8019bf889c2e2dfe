import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, throwError } from 'rxjs';
import { SessionService } from './session.service';

/** A 401 on any API call means the session is gone: back to the sign-in page, then here again. */
export const sessionExpiryInterceptor: HttpInterceptorFn = (request, next) => {
  const session = inject(SessionService);
  const router = inject(Router);
  return next(request).pipe(
    catchError((error: unknown) => {
      if (
        error instanceof HttpErrorResponse &&
        error.status === 401 &&
        !request.url.includes('/auth/') &&
        session.signedIn()
      ) {
        session.forget();
        void router.navigate(['/connexion'], { queryParams: { retour: router.url, expiree: 1 } });
      }
      return throwError(() => error);
    }),
  );
};
