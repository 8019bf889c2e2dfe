import { HttpErrorResponse } from '@angular/common/http';
import { apiErrorMessage } from './api-error';

describe('apiErrorMessage', () => {
  it("shows the API's French message", () => {
    const error = new HttpErrorResponse({
      status: 400,
      error: { statusCode: 400, error: 'Bad Request', message: 'Le SIRET est invalide.' },
    });
    expect(apiErrorMessage(error)).toBe('Le SIRET est invalide.');
  });

  it('explains an unreachable server', () => {
    expect(apiErrorMessage(new HttpErrorResponse({ status: 0 }))).toContain('ne répond pas');
  });

  it('never shows [object Object]', () => {
    const message = apiErrorMessage(new HttpErrorResponse({ status: 500, error: { foo: 1 } }));
    expect(message).not.toContain('[object');
    expect(message).toContain('500');
    expect(apiErrorMessage({})).toBe('Une erreur inattendue est survenue.');
  });
});
