// A real OpenID Connect provider (panva's oidc-provider) for the OIDC integration spec, run in a
// child process: the package is ESM-only and Jest runs CommonJS. Started with child_process.fork;
// it listens on a free loopback port and sends `{ issuer }` to its parent once ready.
//
// Plain CommonJS on purpose (eslint ignores *.js; an *.mjs file would be linted without a
// tsconfig): the ESM package is loaded with a dynamic import().
//
// Environment: OIDC_TEST_CLIENTS — JSON list of
//   { client_id, client_secret, redirect_uri, id_token_signed_response_alg? }.
//
// Logging in without a browser: the authorization endpoint redirects to /interaction/:uid
// (devInteractions are off); POST /interaction/:uid/login with the form field `account` (one of
// ACCOUNTS below) finishes login and consent in one step, granting what the client asked for;
// an unknown account finishes the interaction with access_denied.
'use strict';

const http = require('node:http');
const { generateKeyPairSync, randomBytes } = require('node:crypto');

/** sub → claims. `userinfoOnly`: the claims are served by the userinfo endpoint only. */
const ACCOUNTS = {
  'agent-1': { email: 'AGENT@demo.cd31.fr', email_verified: true, name: 'Agnès Martin' },
  'gestion-1': {
    email: 'gestionnaire@demo.cd31.fr',
    email_verified: true,
    name: 'Gérard Dupuy',
    roles: ['cd31-users', 'admin'],
  },
  'new-1': { email: 'nouvelle.agente@cd31.fr', email_verified: true, name: 'Nina Nouvelle' },
  'new-2': { email: 'nouveau.claim@cd31.fr', name: 'Noé Claim', roles: 'agent' },
  'userinfo-1': {
    email: 'info.seule@cd31.fr',
    email_verified: true,
    name: 'Iris Info',
    roles: ['gestionnaire'],
    userinfoOnly: true,
  },
  'unverified-1': { email: 'pas.verifiee@cd31.fr', email_verified: false, roles: ['admin'] },
  'inactive-1': { email: 'inactif@cd31.fr', email_verified: true, roles: ['agent'] },
  'noemail-1': { name: 'Sans Adresse', roles: ['agent'] },
};

function signingJwk(type, options, kid, alg) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function sendJson(res, status, body) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body));
}

async function main() {
  const { default: Provider } = await import('oidc-provider');
  const clients = JSON.parse(process.env['OIDC_TEST_CLIENTS'] ?? '[]').map((client) => ({
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: [client.redirect_uri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: client.id_token_signed_response_alg ?? 'RS256',
  }));

  let handler = (_req, res) => sendJson(res, 503, { error: 'starting' });
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;

  const provider = new Provider(issuer, {
    clients,
    jwks: {
      keys: [
        signingJwk('rsa', { modulusLength: 2048 }, 'test-rs256', 'RS256'),
        signingJwk('ec', { namedCurve: 'P-256' }, 'test-es256', 'ES256'),
      ],
    },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 600,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
    },
    features: { devInteractions: { enabled: false } },
    // Scope-requested claims in the ID token too (what most corporate providers do).
    conformIdTokenClaims: false,
    scopes: ['openid', 'email', 'profile'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'roles'],
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const account = ACCOUNTS[sub];
      if (!account) {
        return undefined;
      }
      return {
        accountId: sub,
        claims: (use) => {
          const { userinfoOnly, ...claims } = account;
          return userinfoOnly && use !== 'userinfo' ? { sub } : { sub, ...claims };
        },
      };
    },
  });
  const providerCallback = provider.callback();

  handler = (req, res) => {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url ?? '');
    if (!match) {
      providerCallback(req, res);
      return;
    }
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (!match[2] || req.method !== 'POST') {
        sendJson(res, 200, { uid: details.uid, prompt: details.prompt.name });
        return;
      }
      const accountId = (await readForm(req)).get('account') ?? '';
      if (!ACCOUNTS[accountId]) {
        await provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'unknown test account' },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
      grant.addOIDCScope(String(details.params.scope));
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
    })().catch((error) => {
      sendJson(res, 500, { error: String(error) });
    });
  };

  process.on('disconnect', () => process.exit(0));
  process.send?.({ issuer });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
