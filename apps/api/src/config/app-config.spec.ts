import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('gives working defaults for an empty environment', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config.port).toBe(3000);
    expect(config.database.url).toBeNull();
    expect(config.database.embedded.dataDir).toBe('/srv/app/.data/postgres');
    expect(config.dashboardDir).toBe('/srv/app/dist/apps/dashboard/browser');
  });

  it('names the variable of an invalid value', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT must be an integer/);
  });

  it('reports every invalid variable at once', () => {
    expect(() => loadConfig({ PORT: '0', LOG_LEVEL: 'loud' })).toThrow(/PORT.*; LOG_LEVEL/);
  });

  it('rejects a DATABASE_URL that is not postgres without echoing it', () => {
    let message = '';
    try {
      loadConfig({ DATABASE_URL: 'mysql://user:s3cret@db/x' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('s3cret');
  });

  it('accepts an external PostgreSQL URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/cd31' });
    expect(config.database.url).toBe('postgres://u:p@db:5432/cd31');
  });
});
