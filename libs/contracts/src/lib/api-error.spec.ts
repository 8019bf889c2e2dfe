import { isApiErrorBody } from './api-error';

describe('isApiErrorBody', () => {
  it('recognises the API error shape', () => {
    expect(
      isApiErrorBody({ statusCode: 400, error: 'Bad Request', message: 'SIRET invalide' }),
    ).toBe(true);
  });

  it('rejects anything else', () => {
    expect(isApiErrorBody('boom')).toBe(false);
    expect(isApiErrorBody({ message: ['a'] })).toBe(false);
    expect(isApiErrorBody(null)).toBe(false);
  });
});
