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
