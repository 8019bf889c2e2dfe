import { createHash } from 'node:crypto';
import { loadConfig } from '../config/app-config';
import {
  basicCredentials,
  PendingSignInSealer,
  pkcePair,
  roleFromClaims,
  safeReturnPath,
  tokenEndpointAuthMethod,
  type PendingSignIn,
} from './oidc-flow';

describe('safeReturnPath', () => {
  it.each(['/', '/factures', '/factures/12?onglet=historique', '/budgets#resume', '/a%2F%2Fb'])(
    'keeps the path %s of this site',
    (path) => {
      expect(safeReturnPath(path)).toBe(path);
    },
  );

  it.each([
    '//evil.example/x',
    '/\\evil.example',
    '\\\\evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    'factures',
    '/fact ures',
    '/\tevil',
    '/connexion',
    '/connexion?erreur=oidc_expire',
    '',
    `/${'a'.repeat(1001)}`,
  ])('replaces %j with /', (path) => {
    expect(safeReturnPath(path)).toBe('/');
  });

  it('replaces what is not a string with /', () => {
    expect(safeReturnPath(undefined)).toBe('/');
    expect(safeReturnPath(['/a', '/b'])).toBe('/');
  });
});

describe('roleFromClaims', () => {
  it('reads a single role or a list, keeping the most powerful known role', () => {
    expect(roleFromClaims({ role: 'agent' }, 'role')).toBe('agent');
    expect(roleFromClaims({ roles: ['cd31-users', 'Gestionnaire'] }, 'roles')).toBe('gestionnaire');
    expect(roleFromClaims({ roles: ['gestionnaire', 'admin', 'agent'] }, 'roles')).toBe('admin');
  });

  it('follows a dotted path when no claim has that exact name', () => {
    const claims = { realm_access: { roles: ['offline_access', 'agent'] } };
    expect(roleFromClaims(claims, 'realm_access.roles')).toBe('agent');
    expect(roleFromClaims({ 'https://cd31.fr/role': 'admin' }, 'https://cd31.fr/role')).toBe(
      'admin',
    );
  });

  it('gives null when the claim names no known role', () => {
    expect(roleFromClaims({}, 'roles')).toBeNull();
    expect(roleFromClaims({ roles: ['superuser', 42] }, 'roles')).toBeNull();
    expect(roleFromClaims({ roles: { admin: true } }, 'roles')).toBeNull();
    expect(roleFromClaims({ a: { constructor: 'admin' } }, 'a.__proto__')).toBeNull();
  });
});

describe('PKCE and client authentication', () => {
  it('derives the S256 challenge from a fresh verifier', () => {
    const { verifier, challenge } = pkcePair();
    expect(verifier).toMatch(/^[\w-]{43}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(pkcePair().verifier).not.toBe(verifier);
  });

  it('prefers client_secret_basic, uses client_secret_post when it is the only one', () => {
    expect(tokenEndpointAuthMethod(undefined)).toBe('client_secret_basic');
    expect(tokenEndpointAuthMethod(['client_secret_post', 'client_secret_basic'])).toBe(
      'client_secret_basic',
    );
    expect(tokenEndpointAuthMethod(['private_key_jwt', 'client_secret_post'])).toBe(
      'client_secret_post',
    );
    expect(tokenEndpointAuthMethod(['private_key_jwt'])).toBeNull();
  });

  it('form-encodes the Basic credentials (RFC 6749 §2.3.1)', () => {
    const header = basicCredentials('cd31 app', 'p@ss:w/rd+');
    expect(Buffer.from(header.slice('Basic '.length), 'base64').toString()).toBe(
      'cd31+app:p%40ss%3Aw%2Frd%2B',
    );
  });
});

describe('PendingSignInSealer', () => {
  const sealer = new PendingSignInSealer('client-secret-value', 'cd31-chorus');
  const pending: PendingSignIn = {
    state: 'state-1',
    nonce: 'nonce-1',
    codeVerifier: 'verifier-1',
    returnPath: '/factures',
    expiresAt: Date.now() + 60_000,
  };

  it('opens what it sealed, and hides the content', () => {
    const sealed = sealer.seal(pending);
    expect(sealer.open(sealed)).toEqual(pending);
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain('verifier-1');
  });

  it('refuses an altered, foreign or expired value', () => {
    const sealed = sealer.seal(pending);
    const last = sealed.at(-1) === 'A' ? 'B' : 'A';
    expect(sealer.open(`${sealed.slice(0, -1)}${last}`)).toBeNull();
    expect(new PendingSignInSealer('another-secret', 'cd31-chorus').open(sealed)).toBeNull();
    expect(new PendingSignInSealer('client-secret-value', 'other-client').open(sealed)).toBeNull();
    expect(sealer.open(sealed, pending.expiresAt + 1)).toBeNull();
    expect(sealer.open(undefined)).toBeNull();
    expect(sealer.open('short')).toBeNull();
  });
});

describe('OpenID Connect configuration', () => {
  const base = {
    OIDC_ISSUER: 'https://sso.cd31.fr/realms/agents',
    OIDC_CLIENT_ID: 'cd31-chorus',
    OIDC_CLIENT_SECRET: 'Sup3r-s3cret-value',
  };

  it('is off without OIDC_ISSUER', () => {
    expect(loadConfig({}).oidc).toBeNull();
  });

  it('has defaults for the redirect URL and the scopes', () => {
    expect(loadConfig(base).oidc).toEqual({
      issuer: 'https://sso.cd31.fr/realms/agents',
      clientId: 'cd31-chorus',
      clientSecret: 'Sup3r-s3cret-value',
      redirectUrl: 'http://localhost:3000/api/v1/auth/oidc/callback',
      scopes: ['openid', 'email', 'profile'],
      roleClaim: null,
      defaultRole: null,
    });
  });

  it('reads the role claim, the default role and the scopes', () => {
    const config = loadConfig({
      ...base,
      OIDC_SCOPES: 'openid email roles',
      OIDC_ROLE_CLAIM: 'realm_access.roles',
      OIDC_DEFAULT_ROLE: 'gestionnaire',
      OIDC_REDIRECT_URL: 'https://suivi-chorus.cd31.fr/api/v1/auth/oidc/callback',
    }).oidc;
    expect(config).toMatchObject({
      scopes: ['openid', 'email', 'roles'],
      roleClaim: 'realm_access.roles',
      defaultRole: 'gestionnaire',
      redirectUrl: 'https://suivi-chorus.cd31.fr/api/v1/auth/oidc/callback',
    });
  });

  function problems(env: Record<string, string>): string {
    try {
      loadConfig(env);
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  }

  it('names every invalid variable, and never echoes the secret', () => {
    const message = problems({
      OIDC_ISSUER: 'http://sso.cd31.fr',
      OIDC_CLIENT_SECRET: 'Sup3r-s3cret\u0001',
      OIDC_SCOPES: 'email profile',
      OIDC_DEFAULT_ROLE: 'root',
    });
    expect(message).toMatch(/OIDC_ISSUER must be an https/);
    expect(message).toMatch(/OIDC_CLIENT_ID is required/);
    expect(message).toMatch(/OIDC_CLIENT_SECRET must be/);
    expect(message).toMatch(/OIDC_SCOPES must include openid/);
    expect(message).toMatch(/OIDC_DEFAULT_ROLE must be one of agent, gestionnaire, admin/);
    expect(message).not.toContain('Sup3r');
  });

  it('requires the client secret, and refuses credentials in URLs without echoing them', () => {
    const message = problems({
      ...base,
      OIDC_CLIENT_SECRET: ' ',
      OIDC_REDIRECT_URL: 'https://user:hunter2@suivi.cd31.fr/cb',
    });
    expect(message).toMatch(/OIDC_CLIENT_SECRET is required/);
    expect(message).toMatch(/OIDC_REDIRECT_URL must not hold credentials/);
    expect(message).not.toContain('hunter2');
  });

  it('allows plain http on localhost only', () => {
    expect(loadConfig({ ...base, OIDC_ISSUER: 'http://127.0.0.1:8080' }).oidc?.issuer).toBe(
      'http://127.0.0.1:8080',
    );
  });

  it('refuses OIDC settings without OIDC_ISSUER', () => {
    expect(problems({ OIDC_CLIENT_ID: 'x', OIDC_CLIENT_SECRET: 'y' })).toMatch(
      /OIDC_CLIENT_ID, OIDC_CLIENT_SECRET are set but OIDC_ISSUER is not/,
    );
  });
});
