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
