import { isApiErrorBody } from '@cd31/contracts';
import { HttpErrorResponse } from '@angular/common/http';

/** The French sentence to show for a failed call: the API's own message when it sent one. */
export function apiErrorMessage(error: unknown): string {
  if (error instanceof HttpErrorResponse) {
    if (isApiErrorBody(error.error)) {
      return error.error.message;
    }
    if (error.status === 0) {
      return 'Le serveur ne répond pas. Vérifiez votre connexion puis réessayez.';
    }
    return `Le serveur a répondu par une erreur (${error.status}).`;
  }
  return 'Une erreur inattendue est survenue.';
}
