import type { AuthSettingsDto, CurrentUserDto, SessionDto, SignInRequest } from '@cd31/contracts';
import type { Permission } from '@cd31/domain';
import { HttpClient } from '@angular/common/http';
import { computed, inject, Injectable, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';

const BASE = '/api/v1/auth';

/** Who is signed in, and what the sign-in page needs to know; the one source of that truth. */
@Injectable({ providedIn: 'root' })
export class SessionService {
  private readonly http = inject(HttpClient);
  private readonly userState = signal<CurrentUserDto | null>(null);
  private readonly settingsState = signal<AuthSettingsDto | null>(null);

  readonly user = this.userState.asReadonly();
  readonly settings = this.settingsState.asReadonly();
  readonly signedIn = computed(() => this.userState() !== null);
  readonly simulatedData = computed(() => this.settingsState()?.simulatedData ?? false);

  /** Called once at start: the settings, and the current session if the cookie still holds one. */
  async restore(): Promise<void> {
    const settings = await firstValueFrom(this.http.get<AuthSettingsDto>(`${BASE}/settings`)).catch(
      () => null,
    );
    this.settingsState.set(settings);
    this.userState.set(settings?.user ?? null);
  }

  async signIn(request: SignInRequest): Promise<CurrentUserDto> {
    const session = await firstValueFrom(this.http.post<SessionDto>(`${BASE}/sign-in`, request));
    this.userState.set(session.user);
    return session.user;
  }

  async signOut(): Promise<void> {
    try {
      await firstValueFrom(this.http.post<void>(`${BASE}/sign-out`, {}));
    } finally {
      this.userState.set(null);
    }
  }

  /** The session ended on the server (expired, signed out elsewhere). */
  forget(): void {
    this.userState.set(null);
  }

  can(permission: Permission): boolean {
    return this.userState()?.permissions.includes(permission) ?? false;
  }
}
