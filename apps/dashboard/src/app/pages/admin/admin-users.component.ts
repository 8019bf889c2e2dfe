import type { BudgetDto, UpdateUserRequest, UserDto } from '@cd31/contracts';
import { ROLE_LABELS, ROLES, isRole } from '@cd31/domain';
import { FrDateTimePipe } from '@cd31/ui';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  signal,
  type OnInit,
} from '@angular/core';
import { apiErrorMessage } from '../../core/api-error';
import { ApiService } from '../../core/api.service';
import { SessionService } from '../../core/session.service';
import { fieldValue, type PendingAction } from './admin-shared';
import {
  budgetsLabel,
  createUserRequest,
  describeUserUpdate,
  displayNameError,
  EMPTY_USER_FORM,
  MIN_PASSWORD_LENGTH,
  passwordError,
  toggleCode,
  userEditOf,
  userFormErrors,
  userUpdateRequest,
  type UserEdit,
  type UserForm,
} from './users';
import { AdminSectionStatusComponent } from './admin-section-status.component';
import { BudgetChoiceComponent } from './budget-choice.component';
import { PendingActionDialogComponent } from './pending-action-dialog.component';

type Editing =
  | { readonly id: string; readonly mode: 'edit'; readonly edit: UserEdit }
  | { readonly id: string; readonly mode: 'password'; readonly password: string };

/** Accounts: create, change role and budgets, deactivate, reset a password. */
@Component({
  selector: 'cd31-admin-users',
  imports: [
    BudgetChoiceComponent,
    AdminSectionStatusComponent,
    PendingActionDialogComponent,
    FrDateTimePipe,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2>Utilisateurs</h2>
    <p class="hint">
      Le rôle fixe ce que chacun peut faire ; la limite de budgets restreint ce qu’il voit. Un
      changement de rôle, une désactivation ou un nouveau mot de passe ferment ses sessions.
    </p>

    <cd31-admin-section-status
      [notice]="notice()"
      [actionError]="actionError()"
      [error]="error()"
      [loading]="users() === null"
      loadingText="Chargement des utilisateurs…"
      (retry)="load()"
    />
    @if (users()?.length === 0) {
      <p class="empty">Aucun utilisateur.</p>
    } @else if (users() !== null) {
      <div class="table-scroll">
        <table class="data-table users">
          <caption>
            {{
              users()?.length
            }}
            utilisateurs
          </caption>
          <thead>
            <tr>
              <th scope="col">E-mail</th>
              <th scope="col">Nom</th>
              <th scope="col">Rôle</th>
              <th scope="col">Budgets</th>
              <th scope="col">État</th>
              <th scope="col">Dernière connexion</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            @for (user of users(); track user.id) {
              <tr [class.inactive]="!user.active">
                <td>
                  {{ user.email }}
                  @if (user.id === myId()) {
                    <span class="you">(vous)</span>
                  }
                </td>
                <td>{{ user.displayName }}</td>
                <td>{{ roleLabels[user.role] }}</td>
                <td>{{ limit(user.budgetCodes) }}</td>
                <td>
                  <span class="badge" [class.badge-muted]="!user.active">{{
                    user.active ? 'Actif' : 'Désactivé'
                  }}</span>
                </td>
                <td>{{ user.lastSignInAt ? (user.lastSignInAt | frDateTime) : 'Jamais' }}</td>
                <td>
                  <div class="row-actions">
                    <button
                      type="button"
                      class="btn btn-small"
                      [attr.aria-label]="'Modifier ' + user.email"
                      (click)="startEdit(user)"
                    >
                      Modifier
                    </button>
                    <button
                      type="button"
                      class="btn btn-small"
                      [attr.aria-label]="'Réinitialiser le mot de passe de ' + user.email"
                      (click)="startPassword(user)"
                    >
                      Mot de passe
                    </button>
                    <button
                      type="button"
                      class="btn btn-small"
                      [class.btn-danger-outline]="user.active"
                      [attr.aria-label]="(user.active ? 'Désactiver ' : 'Réactiver ') + user.email"
                      (click)="askActive(user)"
                    >
                      {{ user.active ? 'Désactiver' : 'Réactiver' }}
                    </button>
                  </div>
                </td>
              </tr>
              @if (editing()?.id === user.id) {
                <tr class="editor-row">
                  <td colspan="7">
                    @switch (editing()?.mode) {
                      @case ('edit') {
                        <form novalidate (submit)="$event.preventDefault(); askUpdate(user)">
                          <fieldset>
                            <legend>Modifier {{ user.email }}</legend>
                            <div class="form-grid">
                              <div class="field">
                                <label for="edit-user-name">Nom</label>
                                <input
                                  id="edit-user-name"
                                  type="text"
                                  maxlength="120"
                                  [value]="edit()?.displayName ?? ''"
                                  (input)="editName($event)"
                                  [attr.aria-invalid]="editNameError() !== null"
                                  aria-describedby="edit-user-name-error"
                                />
                                <p class="field-error" id="edit-user-name-error">
                                  {{ editNameError() ?? '' }}
                                </p>
                              </div>
                              <div class="field">
                                <label for="edit-user-role">Rôle</label>
                                <select id="edit-user-role" (change)="editRole($event)">
                                  @for (role of roles; track role) {
                                    <option [value]="role" [selected]="role === edit()?.role">
                                      {{ roleLabels[role] }}
                                    </option>
                                  }
                                </select>
                              </div>
                            </div>
                            <cd31-budget-choice
                              [budgets]="budgets()"
                              [selected]="edit()?.budgetCodes ?? []"
                              (toggled)="editBudget($event)"
                            />
                            <div class="actions">
                              <button
                                type="submit"
                                class="btn btn-primary"
                                [disabled]="busy() || editNameError() !== null"
                              >
                                Enregistrer
                              </button>
                              <button type="button" class="btn" (click)="editing.set(null)">
                                Annuler
                              </button>
                            </div>
                          </fieldset>
                        </form>
                      }
                      @case ('password') {
                        <form novalidate (submit)="$event.preventDefault(); askPassword(user)">
                          <fieldset>
                            <legend>Nouveau mot de passe pour {{ user.email }}</legend>
                            <div class="field">
                              <label for="reset-password">
                                Mot de passe (au moins {{ minPassword }} caractères)
                              </label>
                              <input
                                id="reset-password"
                                type="password"
                                autocomplete="new-password"
                                [value]="newPassword()"
                                (input)="setPassword($event)"
                                [attr.aria-invalid]="newPasswordError() !== null"
                                aria-describedby="reset-password-error"
                              />
                              <p class="field-error" id="reset-password-error">
                                {{ newPasswordError() ?? '' }}
                              </p>
                            </div>
                            <div class="actions">
                              <button
                                type="submit"
                                class="btn btn-primary"
                                [disabled]="busy() || newPasswordError() !== null"
                              >
                                Réinitialiser le mot de passe
                              </button>
                              <button type="button" class="btn" (click)="editing.set(null)">
                                Annuler
                              </button>
                            </div>
                          </fieldset>
                        </form>
                      }
                    }
                  </td>
                </tr>
              }
            }
          </tbody>
        </table>
      </div>
    }

    <form class="card" novalidate (submit)="$event.preventDefault(); create()">
      <h3>Ajouter un utilisateur</h3>
      <div class="form-grid">
        <div class="field">
          <label for="new-user-email">Adresse e-mail</label>
          <input
            id="new-user-email"
            type="email"
            autocomplete="off"
            [value]="form().email"
            (input)="setForm('email', $event)"
            [attr.aria-invalid]="shown().email !== undefined"
            aria-describedby="new-user-email-error"
          />
          <p class="field-error" id="new-user-email-error">{{ shown().email ?? '' }}</p>
        </div>
        <div class="field">
          <label for="new-user-name">Prénom et nom</label>
          <input
            id="new-user-name"
            type="text"
            maxlength="120"
            autocomplete="off"
            [value]="form().displayName"
            (input)="setForm('displayName', $event)"
            [attr.aria-invalid]="shown().displayName !== undefined"
            aria-describedby="new-user-name-error"
          />
          <p class="field-error" id="new-user-name-error">{{ shown().displayName ?? '' }}</p>
        </div>
        <div class="field">
          <label for="new-user-role">Rôle</label>
          <select
            id="new-user-role"
            (change)="setForm('role', $event)"
            [attr.aria-invalid]="shown().role !== undefined"
            aria-describedby="new-user-role-error"
          >
            <option value="" [selected]="form().role === ''">Choisir…</option>
            @for (role of roles; track role) {
              <option [value]="role" [selected]="form().role === role">
                {{ roleLabels[role] }}
              </option>
            }
          </select>
          <p class="field-error" id="new-user-role-error">{{ shown().role ?? '' }}</p>
        </div>
        <div class="field">
          <label for="new-user-password"
            >Mot de passe (au moins {{ minPassword }} caractères)</label
          >
          <input
            id="new-user-password"
            type="password"
            autocomplete="new-password"
            [value]="form().password"
            (input)="setForm('password', $event)"
            [attr.aria-invalid]="shown().password !== undefined"
            aria-describedby="new-user-password-error"
          />
          <p class="field-error" id="new-user-password-error">{{ shown().password ?? '' }}</p>
        </div>
      </div>
      <cd31-budget-choice
        [budgets]="budgets()"
        [selected]="form().budgetCodes"
        (toggled)="toggleFormBudget($event)"
      />
      @if (createError(); as message) {
        <div class="alert alert-error" role="alert">{{ message }}</div>
      }
      <div class="actions">
        <button type="submit" class="btn btn-primary" [disabled]="busy()">
          Créer l’utilisateur
        </button>
      </div>
    </form>

    <cd31-pending-action-dialog
      [action]="pending()"
      [busy]="busy()"
      (confirmed)="confirm()"
      (cancelled)="pending.set(null)"
    />
  `,
  styles: `
    .you {
      color: var(--muted);
      font-size: 0.85rem;
      margin-left: 0.25rem;
    }
    tr.inactive td {
      color: var(--muted);
    }
  `,
})
export class AdminUsersComponent implements OnInit {
  private readonly api = inject(ApiService);
  private readonly session = inject(SessionService);
  protected readonly roles = ROLES;
  protected readonly roleLabels = ROLE_LABELS;
  protected readonly minPassword = MIN_PASSWORD_LENGTH;
  protected readonly myId = computed(() => this.session.user()?.id ?? null);
  protected readonly users = signal<UserDto[] | null>(null);
  protected readonly budgets = signal<BudgetDto[]>([]);
  protected readonly error = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly pending = signal<PendingAction | null>(null);
  protected readonly editing = signal<Editing | null>(null);
  protected readonly form = signal<UserForm>(EMPTY_USER_FORM);
  protected readonly submitted = signal(false);
  protected readonly createError = signal<string | null>(null);

  protected readonly shown = computed(() => (this.submitted() ? userFormErrors(this.form()) : {}));
  protected readonly edit = computed(() => {
    const editing = this.editing();
    return editing?.mode === 'edit' ? editing.edit : null;
  });
  protected readonly editNameError = computed(() => {
    const edit = this.edit();
    return edit ? displayNameError(edit.displayName) : null;
  });
  protected readonly newPassword = computed(() => {
    const editing = this.editing();
    return editing?.mode === 'password' ? editing.password : '';
  });
  protected readonly newPasswordError = computed(() => passwordError(this.newPassword()));

  ngOnInit(): void {
    void this.load();
  }

  protected async load(): Promise<void> {
    this.error.set(null);
    this.users.set(null);
    try {
      const [users, budgets] = await Promise.all([
        this.api.fetchUsers(),
        this.api.fetchBudgets().catch(() => [] as BudgetDto[]),
      ]);
      this.budgets.set(budgets);
      this.users.set(users);
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    }
  }

  protected limit(codes: readonly string[] | null): string {
    return budgetsLabel(codes, this.budgets());
  }

  protected startEdit(user: UserDto): void {
    this.editing.set({ id: user.id, mode: 'edit', edit: userEditOf(user) });
  }

  protected startPassword(user: UserDto): void {
    this.editing.set({ id: user.id, mode: 'password', password: '' });
  }

  protected editName(event: Event): void {
    const displayName = fieldValue(event);
    this.changeEdit((e) => ({ ...e, displayName }));
  }

  protected editRole(event: Event): void {
    const role = fieldValue(event);
    if (isRole(role)) {
      this.changeEdit((e) => ({ ...e, role }));
    }
  }

  protected editBudget(code: string): void {
    this.changeEdit((e) => ({ ...e, budgetCodes: toggleCode(e.budgetCodes, code) }));
  }

  protected setPassword(event: Event): void {
    const password = fieldValue(event);
    this.editing.update((e) => (e?.mode === 'password' ? { ...e, password } : e));
  }

  protected askUpdate(user: UserDto): void {
    const edit = this.edit();
    if (!edit || this.editNameError()) {
      return;
    }
    const request = userUpdateRequest(user, edit);
    if (!request) {
      this.editing.set(null);
      return;
    }
    this.pending.set({
      heading: `Modifier ${user.email}`,
      lines: describeUserUpdate(user, request, this.budgets()),
      confirmLabel: 'Enregistrer',
      danger: request.role !== undefined,
      run: () => this.update(user, request, `${user.email} : modifications enregistrées.`),
    });
  }

  protected askPassword(user: UserDto): void {
    const password = this.newPassword();
    if (passwordError(password)) {
      return;
    }
    this.pending.set({
      heading: `Réinitialiser le mot de passe de ${user.email}`,
      lines: [
        'L’ancien mot de passe ne fonctionnera plus et ses sessions en cours seront fermées.',
        'Transmettez le nouveau mot de passe à la personne par un moyen sûr.',
      ],
      confirmLabel: 'Réinitialiser',
      danger: true,
      run: () => this.update(user, { password }, `Mot de passe de ${user.email} réinitialisé.`),
    });
  }

  protected askActive(user: UserDto): void {
    const active = !user.active;
    this.pending.set({
      heading: active ? `Réactiver ${user.email}` : `Désactiver ${user.email}`,
      lines: active
        ? ['La personne pourra de nouveau se connecter.']
        : [
            'La personne ne pourra plus se connecter et ses sessions en cours seront fermées.',
            'Son historique reste dans le journal d’audit.',
          ],
      confirmLabel: active ? 'Réactiver' : 'Désactiver',
      danger: !active,
      run: () =>
        this.update(
          user,
          { active },
          active ? `${user.email} est réactivé.` : `${user.email} est désactivé.`,
        ),
    });
  }

  protected async confirm(): Promise<void> {
    const action = this.pending();
    if (action) {
      await action.run();
      this.pending.set(null);
    }
  }

  protected setForm(field: 'email' | 'displayName' | 'password' | 'role', event: Event): void {
    const value = fieldValue(event);
    if (field === 'role') {
      this.form.update((f) => ({ ...f, role: isRole(value) ? value : '' }));
    } else {
      this.form.update((f) => ({ ...f, [field]: value }));
    }
  }

  protected toggleFormBudget(code: string): void {
    this.form.update((f) => ({ ...f, budgetCodes: toggleCode(f.budgetCodes, code) }));
  }

  protected async create(): Promise<void> {
    this.submitted.set(true);
    this.createError.set(null);
    this.notice.set(null);
    const request = createUserRequest(this.form());
    if (!request) {
      return;
    }
    this.busy.set(true);
    try {
      const created = await this.api.createUser(request);
      this.users.update((list) =>
        [...(list ?? []), created].sort((a, b) => a.email.localeCompare(b.email)),
      );
      this.form.set(EMPTY_USER_FORM);
      this.submitted.set(false);
      this.notice.set(`${created.email} peut maintenant se connecter.`);
    } catch (error) {
      this.createError.set(apiErrorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  private changeEdit(change: (edit: UserEdit) => UserEdit): void {
    this.editing.update((e) => (e?.mode === 'edit' ? { ...e, edit: change(e.edit) } : e));
  }

  /** Sends a change; the API's French refusal (e.g. removing your own rights) is shown as is. */
  private async update(user: UserDto, request: UpdateUserRequest, done: string): Promise<void> {
    this.busy.set(true);
    this.actionError.set(null);
    this.notice.set(null);
    try {
      const updated = await this.api.updateUser(user.id, request);
      this.users.update((list) => list?.map((u) => (u.id === updated.id ? updated : u)) ?? null);
      this.editing.set(null);
      this.notice.set(done);
    } catch (error) {
      this.actionError.set(apiErrorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }
}
