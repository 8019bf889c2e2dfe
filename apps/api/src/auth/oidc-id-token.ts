import {
  createPublicKey,
  timingSafeEqual,
  verify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';

/**
 * Validation of an OpenID Connect ID token (a JWS in compact form) with Node's own crypto:
 * signature against the provider's JWKS (RS256 or ES256 only), then `iss`, `aud`/`azp`, `exp`,
 * `iat`, `nbf` and `nonce` (OpenID Connect Core §3.1.3.7).
 */

export const ID_TOKEN_ALGORITHMS = ['RS256', 'ES256'] as const;
export type IdTokenAlgorithm = (typeof ID_TOKEN_ALGORITHMS)[number];

/** A key of a JWK Set, as published at the provider's `jwks_uri`. */
export interface Jwk {
  readonly kty?: unknown;
  readonly kid?: unknown;
  readonly use?: unknown;
  readonly alg?: unknown;
  readonly key_ops?: unknown;
  readonly crv?: unknown;
  readonly [member: string]: unknown;
}

/** Why a token was refused; the message is a fixed description, never the token's content. */
export class IdTokenError extends Error {
  override readonly name: string = 'IdTokenError';
}

/** No key of the JWKS matches the token's header: the provider may have rotated its keys. */
export class UnknownSigningKeyError extends IdTokenError {
  override readonly name = 'UnknownSigningKeyError';
}

export interface IdTokenExpectations {
  /** The issuer identifier exactly as the discovery document gives it. */
  readonly issuer: string;
  readonly clientId: string;
  /** The nonce sent in the authorization request. */
  readonly nonce: string;
  /** Seconds since the epoch; the current time by default. */
  readonly now?: number;
  /** Allowed clock difference with the provider, in seconds. */
  readonly clockToleranceSeconds?: number;
  /** An ID token is minted at the code exchange: one issued longer ago than this is refused. */
  readonly maxAgeSeconds?: number;
}

export interface IdTokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string | readonly string[];
  readonly exp: number;
  readonly iat: number;
  readonly nonce: string;
  readonly [claim: string]: unknown;
}

const DEFAULT_CLOCK_TOLERANCE_SECONDS = 60;
const DEFAULT_MAX_AGE_SECONDS = 600;
const MAX_TOKEN_LENGTH = 16_384;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

interface DecodedJws {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  readonly signingInput: Buffer;
  readonly signature: Buffer;
}

/** Verifies the token and returns its claims, or throws an IdTokenError saying what is wrong. */
export function verifyIdToken(
  token: string,
  keys: readonly Jwk[],
  expected: IdTokenExpectations,
): IdTokenClaims {
  const jws = decodeJws(token);
  const algorithm = jws.header['alg'];
  if (!isSupportedAlgorithm(algorithm)) {
    throw new IdTokenError('unsupported signature algorithm (RS256 or ES256 expected)');
  }
  if (jws.header['crit'] !== undefined) {
    throw new IdTokenError('unsupported critical header parameters');
  }
  verifySignature(jws, algorithm, keys);
  return checkClaims(jws.payload, expected);
}

function decodeJws(token: string): DecodedJws {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    throw new IdTokenError('malformed token');
  }
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) {
    throw new IdTokenError('malformed token (a signed JWT in compact form is expected)');
  }
  const [header, payload, signature] = parts as [string, string, string];
  return {
    header: jsonObject(header, 'header'),
    payload: jsonObject(payload, 'payload'),
    signingInput: Buffer.from(`${header}.${payload}`, 'ascii'),
    signature: Buffer.from(signature, 'base64url'),
  };
}

function jsonObject(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new IdTokenError(`malformed token ${what}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new IdTokenError(`malformed token ${what}`);
  }
  return value as Record<string, unknown>;
}

function isSupportedAlgorithm(value: unknown): value is IdTokenAlgorithm {
  return typeof value === 'string' && (ID_TOKEN_ALGORITHMS as readonly string[]).includes(value);
}

/** The keys of the set that may verify this algorithm (and this `kid`, when the header has one). */
function candidateKeys(
  keys: readonly Jwk[],
  algorithm: IdTokenAlgorithm,
  kid: unknown,
): KeyObject[] {
  const suitable = keys.filter(
    (jwk) =>
      (algorithm === 'RS256' ? jwk.kty === 'RSA' : jwk.kty === 'EC' && jwk.crv === 'P-256') &&
      (jwk.use === undefined || jwk.use === 'sig') &&
      (jwk.alg === undefined || jwk.alg === algorithm) &&
      (jwk.key_ops === undefined ||
        (Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) &&
      (kid === undefined || jwk.kid === kid),
  );
  const result: KeyObject[] = [];
  for (const jwk of suitable) {
    let key: KeyObject;
    try {
      key = createPublicKey({ key: publicMembers(jwk), format: 'jwk' });
    } catch {
      continue; // a malformed key in the set is skipped, not trusted
    }
    const modulusLength = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (algorithm === 'RS256' && (key.asymmetricKeyType !== 'rsa' || modulusLength < 2048)) {
      continue;
    }
    if (algorithm === 'ES256' && key.asymmetricKeyType !== 'ec') {
      continue;
    }
    result.push(key);
  }
  return result;
}

/** Only the public members: a private key published by mistake is never used as such. */
function publicMembers(jwk: Jwk): JsonWebKey {
  return jwk.kty === 'RSA'
    ? { kty: 'RSA', n: jwk['n'] as string, e: jwk['e'] as string }
    : { kty: 'EC', crv: jwk.crv as string, x: jwk['x'] as string, y: jwk['y'] as string };
}

function verifySignature(jws: DecodedJws, algorithm: IdTokenAlgorithm, keys: readonly Jwk[]): void {
  const kid = jws.header['kid'];
  if (kid !== undefined && typeof kid !== 'string') {
    throw new IdTokenError('malformed token header (kid)');
  }
  const candidates = candidateKeys(keys, algorithm, kid);
  if (candidates.length === 0) {
    throw new UnknownSigningKeyError('no key of the provider matches the token');
  }
  if (algorithm === 'ES256' && jws.signature.length !== 64) {
    throw new IdTokenError('invalid signature');
  }
  const valid = candidates.some((key) =>
    algorithm === 'RS256'
      ? verify('sha256', jws.signingInput, key, jws.signature)
      : verify('sha256', jws.signingInput, { key, dsaEncoding: 'ieee-p1363' }, jws.signature),
  );
  if (!valid) {
    throw new IdTokenError('invalid signature');
  }
}

function checkClaims(
  payload: Record<string, unknown>,
  expected: IdTokenExpectations,
): IdTokenClaims {
  const now = expected.now ?? Math.floor(Date.now() / 1000);
  const tolerance = expected.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const maxAge = expected.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  const { iss, sub, aud, azp, exp, iat, nbf, nonce } = payload;

  if (iss !== expected.issuer) {
    throw new IdTokenError('wrong issuer (iss)');
  }
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.includes(expected.clientId)) {
    throw new IdTokenError('wrong audience (aud)');
  }
  // OpenID Connect Core §3.1.3.7: other audiences are not trusted here.
  if (audiences.some((audience) => audience !== expected.clientId)) {
    throw new IdTokenError('untrusted additional audience (aud)');
  }
  if (azp !== undefined && azp !== expected.clientId) {
    throw new IdTokenError('wrong authorized party (azp)');
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw new IdTokenError('missing expiry (exp)');
  }
  if (exp <= now - tolerance) {
    throw new IdTokenError('expired token (exp)');
  }
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw new IdTokenError('missing issue time (iat)');
  }
  if (iat > now + tolerance) {
    throw new IdTokenError('token issued in the future (iat)');
  }
  if (iat < now - maxAge - tolerance) {
    throw new IdTokenError('token issued too long ago (iat)');
  }
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + tolerance)) {
    throw new IdTokenError('token not valid yet (nbf)');
  }
  if (typeof nonce !== 'string' || !sameString(nonce, expected.nonce)) {
    throw new IdTokenError('wrong nonce');
  }
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 255) {
    throw new IdTokenError('missing subject (sub)');
  }
  return payload as IdTokenClaims;
}

function sameString(received: string, expected: string): boolean {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
