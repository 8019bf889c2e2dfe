import type { BudgetDto, CreateUserRequest, UpdateUserRequest, UserDto } from '@cd31/contracts';
import { isRole, MIN_PASSWORD_LENGTH, ROLE_LABELS, type Role } from '@cd31/domain';

/** The API's own rule, from the domain library. */
export { MIN_PASSWORD_LENGTH };
export const DISPLAY_NAME_MAX_LENGTH = 120;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface UserForm {
  readonly email: string;
  readonly displayName: string;
  readonly role: Role | '';
  readonly password: string;
  /** Empty: every budget. */
  readonly budgetCodes: readonly string[];
}

export const EMPTY_USER_FORM: UserForm = {
  email: '',
  displayName: '',
  role: '',
  password: '',
  budgetCodes: [],
};

export type UserFormErrors = Partial<Record<'email' | 'displayName' | 'role' | 'password', string>>;

export function passwordError(password: string): string | null {
  if (password.length === 0) {
    return 'Le mot de passe est obligatoire.';
  }
  return password.length < MIN_PASSWORD_LENGTH
    ? `Le mot de passe doit comporter au moins ${MIN_PASSWORD_LENGTH} caractères.`
    : null;
}

export function displayNameError(name: string): string | null {
  const text = name.trim();
  if (text === '') {
    return 'Le nom est obligatoire.';
  }
  return text.length > DISPLAY_NAME_MAX_LENGTH
    ? `Le nom doit comporter au plus ${DISPLAY_NAME_MAX_LENGTH} caractères.`
    : null;
}

/** French messages per field; empty when the form can be sent. */
export function userFormErrors(form: UserForm): UserFormErrors {
  const errors: { -readonly [K in keyof UserFormErrors]: UserFormErrors[K] } = {};
  const email = form.email.trim();
  if (email === '') {
    errors.email = 'L’adresse e-mail est obligatoire.';
  } else if (!EMAIL.test(email)) {
    errors.email = 'L’adresse e-mail est invalide.';
  }
  const name = displayNameError(form.displayName);
  if (name) {
    errors.displayName = name;
  }
  if (!isRole(form.role)) {
    errors.role = 'Choisissez un rôle.';
  }
  const password = passwordError(form.password);
  if (password) {
    errors.password = password;
  }
  return errors;
}

export function hasErrors(errors: object): boolean {
  return Object.keys(errors).length > 0;
}

/** No budget ticked means every budget (null), as the API stores it. */
export function budgetLimit(codes: readonly string[]): string[] | null {
  return codes.length === 0 ? null : [...codes].sort();
}

export function createUserRequest(form: UserForm): CreateUserRequest | null {
  if (hasErrors(userFormErrors(form)) || !isRole(form.role)) {
    return null;
  }
  return {
    email: form.email.trim(),
    displayName: form.displayName.trim(),
    role: form.role,
    password: form.password,
    budgetCodes: budgetLimit(form.budgetCodes),
  };
}

export interface UserEdit {
  readonly displayName: string;
  readonly role: Role;
  readonly budgetCodes: readonly string[];
}

export function userEditOf(user: UserDto): UserEdit {
  return {
    displayName: user.displayName,
    role: user.role,
    budgetCodes: user.budgetCodes ?? [],
  };
}

/** Only what changed; null when nothing did. */
export function userUpdateRequest(user: UserDto, edit: UserEdit): UpdateUserRequest | null {
  const request: { -readonly [K in keyof UpdateUserRequest]: UpdateUserRequest[K] } = {};
  if (edit.displayName.trim() !== user.displayName) {
    request.displayName = edit.displayName.trim();
  }
  if (edit.role !== user.role) {
    request.role = edit.role;
  }
  const before = [...(user.budgetCodes ?? [])].sort().join(',');
  const after = budgetLimit(edit.budgetCodes);
  if ((after ?? []).join(',') !== before) {
    request.budgetCodes = after;
  }
  return Object.keys(request).length > 0 ? request : null;
}

/** A sentence for the confirmation dialog. */
export function describeUserUpdate(
  user: UserDto,
  request: UpdateUserRequest,
  budgets: readonly BudgetDto[],
): string[] {
  const lines: string[] = [];
  if (request.displayName !== undefined) {
    lines.push(`Nom : « ${user.displayName} » → « ${request.displayName} ».`);
  }
  if (request.role !== undefined) {
    lines.push(`Rôle : ${ROLE_LABELS[user.role]} → ${ROLE_LABELS[request.role]}.`);
  }
  if (request.budgetCodes !== undefined) {
    lines.push(
      `Budgets : ${budgetsLabel(user.budgetCodes, budgets)} → ${budgetsLabel(request.budgetCodes, budgets)}.`,
    );
  }
  if (request.role !== undefined) {
    lines.push('La personne devra se reconnecter.');
  }
  return lines;
}

/** `Tous les budgets`, or `01 Principal, 62 Laboratoire Eau Air (EVA)`. */
export function budgetsLabel(
  codes: readonly string[] | null | undefined,
  budgets: readonly BudgetDto[],
): string {
  if (!codes || codes.length === 0) {
    return 'Tous les budgets';
  }
  return codes
    .map((code) => {
      const label = budgets.find((b) => b.code === code)?.label;
      return label ? `${code} ${label}` : code;
    })
    .join(', ');
}

export function toggleCode(codes: readonly string[], code: string): string[] {
  return codes.includes(code) ? codes.filter((c) => c !== code) : [...codes, code].sort();
}
