import type { SessionDto } from '@cd31/contracts';

/** A minimal signed-in HTTP client for e2e set-up steps (cookie + CSRF header). */
export interface ApiSession {
  request(method: string, path: string, body?: unknown): Promise<Response>;
}

export async function signInApi(
  baseUrl: string,
  email: string,
  password: string,
): Promise<ApiSession> {
  const response = await fetch(`${baseUrl}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) {
    throw new Error(`sign-in failed: ${response.status}`);
  }
  const session = (await response.json()) as SessionDto;
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return {
    request: (method, path, body) =>
      fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          cookie,
          'x-xsrf-token': session.csrfToken,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}

export const DEMO = {
  agent: { email: 'agent@demo.cd31.fr', password: 'demo-agent-31' },
  gestionnaire: { email: 'gestionnaire@demo.cd31.fr', password: 'demo-gestion-31' },
  admin: { email: 'admin@demo.cd31.fr', password: 'demo-admin-31' },
} as const;
