import {
  CHORUS_PRODUCTION_API_URL,
  CHORUS_PRODUCTION_OAUTH_URL,
  chorusConfigFromEnv,
  validateChorusConfig,
} from './chorus-config';
import { ChorusClient } from './chorus-client';
import { ChorusConfigError } from './chorus-errors';

const ENV = {
  CHORUS_CLIENT_ID: 'id-123',
  CHORUS_CLIENT_SECRET: 'secret-value-987',
  CHORUS_LOGIN: 'TECH_CD31@cpro.fr',
  CHORUS_PASSWORD: 'password-value-654',
};

function configError(run: () => unknown): ChorusConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ChorusConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a ChorusConfigError');
}

describe('chorusConfigFromEnv', () => {
  it('reads the variables and defaults to the production PISTE URLs and 30 s', () => {
    expect(chorusConfigFromEnv(ENV)).toEqual({
      oauthUrl: CHORUS_PRODUCTION_OAUTH_URL,
      apiUrl: CHORUS_PRODUCTION_API_URL,
      clientId: 'id-123',
      clientSecret: 'secret-value-987',
      login: 'TECH_CD31@cpro.fr',
      password: 'password-value-654',
      timeoutMs: 30_000,
    });
  });

  it('takes the URLs and the timeout from the environment when set', () => {
    const config = chorusConfigFromEnv({
      ...ENV,
      CHORUS_OAUTH_URL: 'https://sandbox-oauth.piste.gouv.fr/api/oauth/token',
      CHORUS_API_URL: 'https://sandbox-api.piste.gouv.fr',
      CHORUS_TIMEOUT_MS: '45000',
    });
    expect(config.oauthUrl).toBe('https://sandbox-oauth.piste.gouv.fr/api/oauth/token');
    expect(config.apiUrl).toBe('https://sandbox-api.piste.gouv.fr');
    expect(config.timeoutMs).toBe(45_000);
  });

  it('names every missing variable', () => {
    const error = configError(() => chorusConfigFromEnv({ CHORUS_CLIENT_ID: 'id' }));
    expect(error.variables).toEqual(['CHORUS_CLIENT_SECRET', 'CHORUS_LOGIN', 'CHORUS_PASSWORD']);
    expect(error.message).toContain('CHORUS_PASSWORD is required');
  });

  it('names a bad timeout or URL without echoing any value', () => {
    const error = configError(() =>
      chorusConfigFromEnv({
        ...ENV,
        CHORUS_API_URL: 'not a url secret-value-987',
        CHORUS_TIMEOUT_MS: '30s',
      }),
    );
    expect(error.variables).toEqual(['CHORUS_API_URL', 'CHORUS_TIMEOUT_MS']);
    for (const value of Object.values(ENV)) {
      expect(error.message).not.toContain(value);
    }
  });
});

describe('validateChorusConfig', () => {
  it('is applied to a plain config object given to the client', () => {
    const error = configError(
      () =>
        new ChorusClient({
          ...chorusConfigFromEnv(ENV),
          password: '',
          timeoutMs: 0,
        }),
    );
    expect(error.variables).toEqual(['password', 'timeoutMs']);
  });

  it('accepts a complete object', () => {
    const config = chorusConfigFromEnv(ENV);
    expect(validateChorusConfig(config)).toBe(config);
  });
});
