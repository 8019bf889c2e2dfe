import type { Permission, Role } from '@cd31/domain';

export interface CurrentUserDto {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
  readonly permissions: readonly Permission[];
  /** null: every budget. */
  readonly budgetCodes: readonly string[] | null;
}

export interface SignInRequest {
  readonly email: string;
  readonly password: string;
}

export interface SessionDto {
  readonly user: CurrentUserDto;
  /** Also set as the XSRF-TOKEN cookie; sent back in X-XSRF-TOKEN on every state-changing call. */
  readonly csrfToken: string;
  readonly expiresAt: string;
}

/** What the sign-in page needs before anyone is signed in. */
export interface AuthSettingsDto {
  readonly simulatedData: boolean;
  /** Demo accounts, only in simulator mode. */
  readonly demoAccounts: readonly { email: string; password: string; role: Role }[];
  readonly oidcEnabled: boolean;
  /** The user of the session cookie sent along, if it is still valid. */
  readonly user: CurrentUserDto | null;
}

/**
 * Why a sign-in with the CD31 account (OpenID Connect) did not complete: the API redirects to
 * `/connexion?erreur=<code>` and the sign-in page shows the message of a known code only.
 */
export const OIDC_ERROR_MESSAGES = {
  oidc_desactive: 'La connexion avec le compte CD31 n’est pas activée sur ce serveur.',
  oidc_indisponible:
    'Le service de connexion du CD31 ne répond pas : réessayez dans quelques minutes.',
  oidc_annule: 'La connexion avec le compte CD31 a été annulée ou refusée.',
  oidc_expire: 'La demande de connexion a expiré ou n’est plus valide : recommencez.',
  oidc_invalide:
    'La réponse du service de connexion du CD31 n’est pas valide : recommencez, ou contactez l’assistance si cela se reproduit.',
  oidc_email:
    'Votre compte CD31 ne fournit pas d’adresse e-mail vérifiée : contactez l’assistance.',
  oidc_non_autorise:
    'Votre compte CD31 n’a pas accès à ce tableau de bord : demandez un accès à un administrateur.',
  oidc_inactif: 'Votre accès à ce tableau de bord est désactivé : contactez un administrateur.',
  oidc_erreur: 'La connexion avec le compte CD31 a échoué : réessayez.',
} as const;

export type OidcErrorCode = keyof typeof OIDC_ERROR_MESSAGES;

/** The message of a known error code; null for anything else (never echo what the URL says). */
export function oidcErrorMessage(code: unknown): string | null {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(OIDC_ERROR_MESSAGES, code)
    ? OIDC_ERROR_MESSAGES[code as OidcErrorCode]
    : null;
}
