import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  IdTokenError,
  UnknownSigningKeyError,
  verifyIdToken,
  type IdTokenExpectations,
  type Jwk,
} from './oidc-id-token';

const ISSUER = 'https://sso.cd31.fr/realms/agents';
const CLIENT_ID = 'cd31-chorus';
const NONCE = 'n-0S6_WzA2Mj';
const NOW = 1_800_000_000;

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

function jwk(key: KeyObject, kid: string, extra: Partial<Jwk> = {}): Jwk {
  return { ...key.export({ format: 'jwk' }), kid, use: 'sig', ...extra };
}

const JWKS: Jwk[] = [jwk(rsa.publicKey, 'rsa-1', { alg: 'RS256' }), jwk(ec.publicKey, 'ec-1')];

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS signed with our own keys, as a provider would. */
function token(
  claims: Record<string, unknown> = {},
  options: {
    alg?: string;
    kid?: string | undefined;
    key?: KeyObject;
    header?: Record<string, unknown>;
  } = {},
): string {
  const alg = options.alg ?? 'RS256';
  const header = {
    alg,
    typ: 'JWT',
    ...('kid' in options ? { kid: options.kid } : { kid: alg === 'ES256' ? 'ec-1' : 'rsa-1' }),
    ...options.header,
  };
  const payload = {
    iss: ISSUER,
    sub: 'f:1234',
    aud: CLIENT_ID,
    exp: NOW + 300,
    iat: NOW - 5,
    nonce: NONCE,
    email: 'agent@cd31.fr',
    ...claims,
  };
  const input = `${b64(header)}.${b64(payload)}`;
  const key = options.key ?? (alg === 'ES256' ? ec.privateKey : rsa.privateKey);
  const signature =
    alg === 'ES256'
      ? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}

const expected: IdTokenExpectations = {
  issuer: ISSUER,
  clientId: CLIENT_ID,
  nonce: NONCE,
  now: NOW,
};

function refusal(jws: string, keys: readonly Jwk[] = JWKS, expectations = expected): string {
  try {
    verifyIdToken(jws, keys, expectations);
  } catch (error) {
    expect(error).toBeInstanceOf(IdTokenError);
    return (error as Error).message;
  }
  throw new Error('the token was accepted');
}

describe('verifyIdToken', () => {
  it('accepts an RS256 token signed by a key of the JWKS and returns its claims', () => {
    const claims = verifyIdToken(token(), JWKS, expected);
    expect(claims).toMatchObject({ sub: 'f:1234', email: 'agent@cd31.fr', nonce: NONCE });
  });

  it('accepts an ES256 token (JOSE r||s signature)', () => {
    expect(verifyIdToken(token({}, { alg: 'ES256' }), JWKS, expected).sub).toBe('f:1234');
  });

  it('finds the key without a kid when only one fits, and accepts an audience list of one', () => {
    const claims = verifyIdToken(token({ aud: [CLIENT_ID] }, { kid: undefined }), JWKS, expected);
    expect(claims.sub).toBe('f:1234');
  });

  it('allows a small clock difference', () => {
    expect(() =>
      verifyIdToken(token({ exp: NOW - 30, iat: NOW + 30 }), JWKS, expected),
    ).not.toThrow();
  });

  it('refuses a wrong nonce', () => {
    expect(refusal(token({ nonce: 'another-nonce' }))).toMatch(/nonce/);
    expect(refusal(token({ nonce: undefined }))).toMatch(/nonce/);
  });

  it('refuses a token meant for another client, or also for another one', () => {
    expect(refusal(token({ aud: 'someone-else' }))).toMatch(/audience/);
    expect(refusal(token({ aud: [CLIENT_ID, 'someone-else'] }))).toMatch(/audience/);
    expect(refusal(token({ azp: 'someone-else' }))).toMatch(/azp/);
  });

  it('refuses another issuer', () => {
    expect(refusal(token({ iss: 'https://evil.example/realms/agents' }))).toMatch(/issuer/);
  });

  it('refuses an expired token, one from the future, and one issued long ago', () => {
    expect(refusal(token({ exp: NOW - 120 }))).toMatch(/expired/);
    expect(refusal(token({ iat: NOW + 600 }))).toMatch(/future/);
    expect(refusal(token({ iat: NOW - 3600, exp: NOW + 3600 }))).toMatch(/too long ago/);
    expect(refusal(token({ nbf: NOW + 600 }))).toMatch(/nbf/);
    expect(refusal(token({ exp: undefined }))).toMatch(/exp/);
  });

  it('refuses a token without subject', () => {
    expect(refusal(token({ sub: '' }))).toMatch(/sub/);
  });

  it('refuses an altered payload', () => {
    const [header, , signature] = token().split('.');
    const forged = b64({
      iss: ISSUER,
      sub: 'admin',
      aud: CLIENT_ID,
      exp: NOW + 300,
      iat: NOW,
      nonce: NONCE,
    });
    expect(refusal(`${header}.${forged}.${signature}`)).toMatch(/signature/);
  });

  it('refuses a token signed by a key outside the JWKS', () => {
    expect(refusal(token({}, { key: otherRsa.privateKey }))).toMatch(/signature/);
  });

  it('refuses alg none, HS256 keyed with the public key, and other algorithms', () => {
    const unsigned = `${b64({ alg: 'none' })}.${b64({ iss: ISSUER })}.`;
    expect(refusal(unsigned)).toMatch(/algorithm/);

    const publicPem = rsa.publicKey.export({ format: 'pem', type: 'spki' });
    const input = `${b64({ alg: 'HS256', kid: 'rsa-1' })}.${b64({ iss: ISSUER, aud: CLIENT_ID })}`;
    const hmac = createHmac('sha256', publicPem).update(input).digest('base64url');
    expect(refusal(`${input}.${hmac}`)).toMatch(/algorithm/);

    expect(refusal(token({}, { header: { alg: 'PS256' } }))).toMatch(/algorithm/);
  });

  it('never verifies with a key of the wrong type (ES256 header, RSA kid)', () => {
    expect(() => verifyIdToken(token({}, { alg: 'ES256', kid: 'rsa-1' }), JWKS, expected)).toThrow(
      UnknownSigningKeyError,
    );
  });

  it('reports an unknown kid as such (the caller refreshes the JWKS)', () => {
    expect(() => verifyIdToken(token({}, { kid: 'rotated' }), JWKS, expected)).toThrow(
      UnknownSigningKeyError,
    );
  });

  it('ignores keys meant for encryption and weak RSA keys', () => {
    const encryption = [jwk(rsa.publicKey, 'rsa-1', { use: 'enc' })];
    expect(() => verifyIdToken(token(), encryption, expected)).toThrow(UnknownSigningKeyError);

    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const weakSet = [jwk(weak.publicKey, 'weak')];
    expect(() =>
      verifyIdToken(token({}, { kid: 'weak', key: weak.privateKey }), weakSet, expected),
    ).toThrow(UnknownSigningKeyError);
  });

  it('refuses critical headers and malformed tokens', () => {
    expect(refusal(token({}, { header: { crit: ['exp'] } }))).toMatch(/critical/);
    expect(refusal('not-a-jwt')).toMatch(/malformed/);
    expect(refusal('a.b')).toMatch(/malformed/);
    expect(refusal(`${b64([1])}.${b64({})}.AA`)).toMatch(/malformed/);
    expect(refusal('e30.e30.A+A')).toMatch(/malformed/);
  });

  it('says what is wrong without repeating the token', () => {
    const jws = token({ nonce: 'secret-looking-nonce' });
    expect(refusal(jws)).not.toContain('secret-looking-nonce');
  });
});
