import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig, OidcConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import {
  basicCredentials,
  tokenEndpointAuthMethod,
  type TokenEndpointAuthMethod,
} from './oidc-flow';
import {
  UnknownSigningKeyError,
  verifyIdToken,
  type IdTokenClaims,
  type Jwk,
} from './oidc-id-token';

/**
 * `unreachable`: the provider did not answer properly (network, 5xx, bad document): try later.
 * `invalid`: it answered, but the answer is refused (bad grant, mismatching userinfo subject…).
 * The message is a fixed description: no token, code or secret is ever part of it.
 */
export class OidcProviderError extends Error {
  override readonly name = 'OidcProviderError';
  constructor(
    readonly kind: 'unreachable' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

export interface ProviderMetadata {
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly jwksUri: string;
  readonly userinfoEndpoint: string | null;
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** RFC 9207: the provider adds `iss` to its authorization responses. */
  readonly issInAuthorizationResponse: boolean;
}

export interface TokenResponse {
  readonly idToken: string;
  readonly accessToken: string | null;
}

const REQUEST_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_CHARS = 1_000_000;
const METADATA_TTL_MS = 60 * 60_000;
const JWKS_TTL_MS = 60 * 60_000;
/** An unknown `kid` refreshes the JWKS (key rotation), at most this often. */
const JWKS_MIN_REFRESH_MS = 30_000;

/** Talks to the OpenID Connect provider with Node's fetch: discovery, JWKS, token, userinfo. */
@Injectable()
export class OidcProviderClient {
  private metadataCache: { value: Promise<ProviderMetadata>; expiresAt: number } | null = null;
  private jwksCache: { keys: readonly Jwk[]; fetchedAt: number } | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  private get settings(): OidcConfig {
    if (!this.config.oidc) {
      throw new Error('OpenID Connect is not configured');
    }
    return this.config.oidc;
  }

  /** The discovery document, cached for an hour (a failed fetch is not cached). */
  metadata(): Promise<ProviderMetadata> {
    const now = Date.now();
    if (!this.metadataCache || this.metadataCache.expiresAt <= now) {
      const value = this.discover();
      this.metadataCache = { value, expiresAt: now + METADATA_TTL_MS };
      value.catch(() => {
        if (this.metadataCache?.value === value) {
          this.metadataCache = null;
        }
      });
    }
    return this.metadataCache.value;
  }

  async authorizationUrl(request: {
    state: string;
    nonce: string;
    codeChallenge: string;
  }): Promise<string> {
    const { authorizationEndpoint } = await this.metadata();
    const url = new URL(authorizationEndpoint);
    const params = {
      response_type: 'code',
      client_id: this.settings.clientId,
      redirect_uri: this.settings.redirectUrl,
      scope: this.settings.scopes.join(' '),
      state: request.state,
      nonce: request.nonce,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    };
    for (const [name, value] of Object.entries(params)) {
      url.searchParams.set(name, value);
    }
    return url.toString();
  }

  /** The authorization code against tokens, at the token endpoint (with the PKCE verifier). */
  async exchangeCode(code: string, codeVerifier: string): Promise<TokenResponse> {
    const metadata = await this.metadata();
    const { clientId, clientSecret, redirectUrl } = this.settings;
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUrl,
      code_verifier: codeVerifier,
    });
    const headers: Record<string, string> = {
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
    };
    if (metadata.tokenEndpointAuthMethod === 'client_secret_basic') {
      headers['authorization'] = basicCredentials(clientId, clientSecret);
    } else {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    const body = await this.fetchJson('token endpoint', metadata.tokenEndpoint, {
      method: 'POST',
      headers,
      body: form.toString(),
      redirect: 'error',
    });
    const idToken = body['id_token'];
    const accessToken = body['access_token'];
    if (typeof idToken !== 'string' || idToken === '') {
      throw new OidcProviderError('invalid', 'token endpoint: no id_token in the response');
    }
    return { idToken, accessToken: typeof accessToken === 'string' ? accessToken : null };
  }

  /** The validated claims of the ID token; an unknown key refreshes the JWKS once. */
  async validateIdToken(idToken: string, nonce: string): Promise<IdTokenClaims> {
    const metadata = await this.metadata();
    const expected = { issuer: metadata.issuer, clientId: this.settings.clientId, nonce };
    try {
      return verifyIdToken(idToken, await this.jwks(false), expected);
    } catch (error) {
      if (!(error instanceof UnknownSigningKeyError)) {
        throw error;
      }
      return verifyIdToken(idToken, await this.jwks(true), expected);
    }
  }

  /**
   * The userinfo endpoint's claims (some providers put email and roles there only), or null when
   * the provider has none or answers with a format not handled here (a signed JWT).
   */
  async userinfo(accessToken: string, subject: string): Promise<Record<string, unknown> | null> {
    const { userinfoEndpoint } = await this.metadata();
    if (!userinfoEndpoint) {
      return null;
    }
    const claims = await this.fetchJson(
      'userinfo endpoint',
      userinfoEndpoint,
      {
        headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` },
        redirect: 'error',
      },
      { jwtIsNull: true },
    );
    if (claims === null) {
      return null;
    }
    // OpenID Connect Core §5.3.2: the claims are about the ID token's subject, or ignored.
    if (claims['sub'] !== subject) {
      throw new OidcProviderError(
        'invalid',
        'userinfo endpoint: subject differs from the ID token',
      );
    }
    return claims;
  }

  private async discover(): Promise<ProviderMetadata> {
    const { issuer } = this.settings;
    const document = await this.fetchJson(
      'discovery',
      `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`,
      { headers: { accept: 'application/json' } },
    );
    const announced = document['issuer'];
    // OpenID Connect Discovery §4.3 (a trailing slash apart): the document is the issuer's own.
    if (
      typeof announced !== 'string' ||
      announced.replace(/\/+$/, '') !== issuer.replace(/\/+$/, '')
    ) {
      throw new OidcProviderError('invalid', 'discovery: the issuer differs from OIDC_ISSUER');
    }
    const endpoint = (name: string, required: boolean): string | null => {
      const value = document[name];
      if (value === undefined && !required) {
        return null;
      }
      if (typeof value !== 'string' || !isAllowedEndpoint(value, announced)) {
        throw new OidcProviderError('invalid', `discovery: ${name} is missing or not https`);
      }
      return value;
    };
    const authMethod = tokenEndpointAuthMethod(document['token_endpoint_auth_methods_supported']);
    if (!authMethod) {
      throw new OidcProviderError(
        'invalid',
        'discovery: the provider supports neither client_secret_basic nor client_secret_post',
      );
    }
    return {
      issuer: announced,
      authorizationEndpoint: endpoint('authorization_endpoint', true) as string,
      tokenEndpoint: endpoint('token_endpoint', true) as string,
      jwksUri: endpoint('jwks_uri', true) as string,
      userinfoEndpoint: endpoint('userinfo_endpoint', false),
      tokenEndpointAuthMethod: authMethod,
      issInAuthorizationResponse:
        document['authorization_response_iss_parameter_supported'] === true,
    };
  }

  private async jwks(refresh: boolean): Promise<readonly Jwk[]> {
    const now = Date.now();
    const cached = this.jwksCache;
    if (
      cached &&
      now - cached.fetchedAt < JWKS_TTL_MS &&
      (!refresh || now - cached.fetchedAt < JWKS_MIN_REFRESH_MS)
    ) {
      return cached.keys;
    }
    const { jwksUri } = await this.metadata();
    const document = await this.fetchJson('jwks', jwksUri, {
      headers: { accept: 'application/json' },
    });
    const keys = document['keys'];
    if (!Array.isArray(keys)) {
      throw new OidcProviderError('unreachable', 'jwks: no keys in the document');
    }
    const valid = keys.filter(
      (key): key is Jwk => typeof key === 'object' && key !== null && !Array.isArray(key),
    );
    this.jwksCache = { keys: valid, fetchedAt: now };
    return valid;
  }

  private async fetchJson(
    what: string,
    url: string,
    init: RequestInit,
    options: { jwtIsNull: true },
  ): Promise<Record<string, unknown> | null>;
  private async fetchJson(
    what: string,
    url: string,
    init: RequestInit,
  ): Promise<Record<string, unknown>>;
  private async fetchJson(
    what: string,
    url: string,
    init: RequestInit,
    options: { jwtIsNull?: boolean } = {},
  ): Promise<Record<string, unknown> | null> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      text = await response.text();
    } catch {
      throw new OidcProviderError('unreachable', `${what}: the provider did not answer`);
    }
    if (text.length > MAX_RESPONSE_CHARS) {
      throw new OidcProviderError('unreachable', `${what}: response too large`);
    }
    const parsed = parseObject(text);
    if (!response.ok) {
      // Only the standard error code (RFC 6749 §5.2) is kept: the description is free text.
      const code = parsed?.['error'];
      const shown = typeof code === 'string' && /^[\w.-]{1,64}$/.test(code) ? ` (${code})` : '';
      throw new OidcProviderError(
        response.status >= 500 ? 'unreachable' : 'invalid',
        `${what}: HTTP ${response.status}${shown}`,
      );
    }
    if (
      options.jwtIsNull &&
      /^application\/jwt\b/i.test(response.headers.get('content-type') ?? '')
    ) {
      return null;
    }
    if (!parsed) {
      throw new OidcProviderError('unreachable', `${what}: the answer is not a JSON object`);
    }
    return parsed;
  }
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** An endpoint of an https provider is https too; a loopback test provider may use http. */
function isAllowedEndpoint(value: string, issuer: string): boolean {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:') {
      return true;
    }
    return url.protocol === 'http:' && new URL(issuer).protocol === 'http:';
  } catch {
    return false;
  }
}
