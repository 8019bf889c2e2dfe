import { Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { UsersModule } from '../users/users.module';
import { UsersService } from '../users/users.service';
import { AccessGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { DEMO_ACCOUNTS } from './demo-accounts';
import { OidcController } from './oidc.controller';
import { OidcProviderClient } from './oidc-provider-client';
import { OidcSignInService } from './oidc-sign-in.service';

@Module({
  imports: [UsersModule],
  controllers: [AuthController, OidcController],
  providers: [
    AuthService,
    OidcProviderClient,
    OidcSignInService,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AuthService],
})
export class AuthModule implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.simulatorMode) {
      return;
    }
    for (const account of DEMO_ACCOUNTS) {
      await this.users.ensure({ ...account, demo: true });
    }
  }
}
