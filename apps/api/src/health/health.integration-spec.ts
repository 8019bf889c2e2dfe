import request from 'supertest';
import { startTestApp, type TestApp } from '../../test/test-app';

describe('health', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('reports the database as up', async () => {
    // Anonymous on purpose: health is the one public route.
    const response = await request(testApp.http).get('/api/v1/health').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', details: { database: { status: 'up' } } });
  });
});

describe('security headers', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('sends a strict Content-Security-Policy: scripts from our origin, styles by nonce only', async () => {
    const first = await request(testApp.http).get('/api/v1/health').expect(200);
    const second = await request(testApp.http).get('/api/v1/health').expect(200);
    const policy = String(first.headers['content-security-policy']);
    expect(policy).toContain("script-src 'self'");
    expect(policy).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'/);
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).toContain("frame-ancestors 'none'");
    expect(second.headers['content-security-policy']).not.toBe(policy);
    expect(first.headers['x-content-type-options']).toBe('nosniff');
    expect(first.headers['x-powered-by']).toBeUndefined();
  });

  it('refuses a JSON body over 1 MB', async () => {
    const client = await testApp.signIn('admin');
    const response = await client
      .post('/api/v1/budgets')
      .send({ code: '70', label: 'x'.repeat(1_100_000), siret: '22310001700431' })
      .expect(413);
    expect((response.body as { message: string }).message).toBe('La requête est trop volumineuse.');
  });
});
