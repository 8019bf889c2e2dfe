import { ChorusSimConfigError, simConfigFromEnv } from './config';

describe('simConfigFromEnv', () => {
  it('has demo defaults', () => {
    expect(simConfigFromEnv({})).toEqual({
      port: 3900,
      host: '127.0.0.1',
      seed: 31,
      invoiceCount: 3000,
      now: null,
      clockSpeed: 1,
      clientId: 'cd31-chorus-sim',
      clientSecret: 'cd31-chorus-sim-secret',
      login: 'TECH_1_CD31_SIM@cpro.fr',
      password: 'Simulateur-CD31-2025!',
      astreDir: null,
    });
  });

  it('reads every variable', () => {
    const config = simConfigFromEnv({
      SIM_PORT: '4000',
      SIM_SEED: '7',
      SIM_INVOICES: '1000000',
      SIM_NOW: '2025-06-16T09:30:00+02:00',
      SIM_CLOCK_SPEED: '0',
      SIM_CLIENT_ID: 'id',
      SIM_CLIENT_SECRET: 'secret',
      SIM_LOGIN: 'login',
      SIM_PASSWORD: 'password',
      SIM_ASTRE_DIR: '/tmp/astre',
    });
    expect(config).toMatchObject({
      port: 4000,
      seed: 7,
      invoiceCount: 1_000_000,
      clockSpeed: 0,
      astreDir: '/tmp/astre',
    });
    expect(config.now?.toISOString()).toBe('2025-06-16T07:30:00.000Z');
  });

  it('names every faulty variable at once', () => {
    expect(() =>
      simConfigFromEnv({ SIM_PORT: 'http', SIM_NOW: 'yesterday', SIM_INVOICES: '-1' }),
    ).toThrow(
      new ChorusSimConfigError(
        'Invalid simulator configuration: SIM_NOW must be an ISO date, e.g. 2025-06-16T09:30:00+02:00; SIM_PORT must be a whole number from 0 to 65535; SIM_INVOICES must be a whole number from 0 to 5000000',
      ),
    );
  });
});
