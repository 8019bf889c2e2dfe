import type { Role } from '@cd31/domain';
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/** Pure pieces of the OpenID Connect sign-in, kept apart so they can be unit-tested. */

/** A random value for `state` and `nonce` (256 bits, base64url). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** PKCE (RFC 7636) with S256: the verifier stays with us, its hash goes to the provider. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function sameSecret(received: string, expected: string): boolean {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Where to go after signing in: a path of this site only (`/factures?x=1`), never another origin
 * (`//evil.fr`, `/\evil.fr`, `https://…`), nor the sign-in page itself; anything else gives `/`.
 */
export function safeReturnPath(value: unknown): string {
  if (
    typeof value !== 'string' ||
    value.length > 1000 ||
    !/^\/(?![/\\])[\x21-\x7e]*$/.test(value) ||
    value.includes('\\')
  ) {
    return '/';
  }
  const base = 'http://cd31.invalid';
  let resolved: URL;
  try {
    resolved = new URL(value, base);
  } catch {
    return '/';
  }
  if (resolved.origin !== base || /^\/connexion(?:[/?#]|$)/.test(resolved.pathname)) {
    return '/';
  }
  return value;
}

/** The most powerful role the claim names; roles outside agent/gestionnaire/admin are ignored. */
const ROLE_PRECEDENCE: readonly Role[] = ['admin', 'agent', 'gestionnaire'];

/**
 * The role a claim gives: a string (`"agent"`) or a list (`["cd31-users", "admin"]`), read from
 * the claim of that exact name, else along a dotted path (`realm_access.roles`). Null: none.
 */
export function roleFromClaims(claims: Record<string, unknown>, claimName: string): Role | null {
  let value: unknown = Object.hasOwn(claims, claimName) ? claims[claimName] : undefined;
  if (value === undefined && claimName.includes('.')) {
    value = claimName
      .split('.')
      .reduce<unknown>(
        (node, key) =>
          typeof node === 'object' && node !== null && Object.hasOwn(node, key)
            ? (node as Record<string, unknown>)[key]
            : undefined,
        claims,
      );
  }
  const values = (Array.isArray(value) ? (value as unknown[]) : [value])
    .filter((entry): entry is string => typeof entry === 'string')
    .map((entry) => entry.trim().toLowerCase());
  return ROLE_PRECEDENCE.find((role) => values.includes(role)) ?? null;
}

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post';

/**
 * How to present the client secret, from the discovery document's
 * `token_endpoint_auth_methods_supported` (absent: client_secret_basic, the default of the spec).
 */
export function tokenEndpointAuthMethod(supported: unknown): TokenEndpointAuthMethod | null {
  if (!Array.isArray(supported)) {
    return 'client_secret_basic';
  }
  if (supported.includes('client_secret_basic')) {
    return 'client_secret_basic';
  }
  return supported.includes('client_secret_post') ? 'client_secret_post' : null;
}

/** application/x-www-form-urlencoded, as RFC 6749 §2.3.1 wants for HTTP Basic credentials. */
export function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/** What the browser carries between the redirect to the provider and its return. */
export interface PendingSignIn {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly returnPath: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

/**
 * Seals and opens the short-lived sign-in cookie with AES-256-GCM (confidential and
 * tamper-evident), under a key derived from the client secret: every replica shares it, and
 * no other variable is needed.
 */
export class PendingSignInSealer {
  private readonly key: Buffer;
  private readonly context: Buffer;

  constructor(clientSecret: string, clientId: string) {
    this.key = Buffer.from(
      hkdfSync('sha256', clientSecret, 'cd31-oidc-pending-sign-in', 'aes-256-gcm v1', 32),
    );
    this.context = Buffer.from(`cd31_oidc:${clientId}`, 'utf8');
  }

  seal(pending: PendingSignIn): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(this.context);
    const body = Buffer.concat([
      cipher.update(
        JSON.stringify({
          s: pending.state,
          n: pending.nonce,
          v: pending.codeVerifier,
          r: pending.returnPath,
          x: pending.expiresAt,
        }),
        'utf8',
      ),
      cipher.final(),
    ]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The pending sign-in, or null when the value is missing, altered or expired. */
  open(sealed: unknown, now = Date.now()): PendingSignIn | null {
    if (typeof sealed !== 'string' || sealed.length > 4096 || !/^[\w-]{40,}$/.test(sealed)) {
      return null;
    }
    const raw = Buffer.from(sealed, 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12), {
        authTagLength: 16,
      })
        .setAAD(this.context)
        .setAuthTag(raw.subarray(12, 28));
      const json = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
      const value = JSON.parse(json.toString('utf8')) as Record<string, unknown>;
      const { s, n, v, r, x } = value;
      if (
        typeof s !== 'string' ||
        typeof n !== 'string' ||
        typeof v !== 'string' ||
        typeof r !== 'string' ||
        typeof x !== 'number' ||
        x <= now
      ) {
        return null;
      }
      return { state: s, nonce: n, codeVerifier: v, returnPath: safeReturnPath(r), expiresAt: x };
    } catch {
      return null;
    }
  }
}
