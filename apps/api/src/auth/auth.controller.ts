import type { AuthSettingsDto, CurrentUserDto, SessionDto } from '@cd31/contracts';
import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { CurrentUser, Public, RequirePermission } from './auth.decorators';
import { AuthService, toCurrentUserDto } from './auth.service';
import type { AuthenticatedUser } from './authenticated-user';
import { DEMO_ACCOUNTS } from './demo-accounts';
import { SignInBody } from './dto/sign-in.dto';
import { clearSessionCookies, readSessionCookie, setSessionCookies } from './session-cookies';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
  ) {}

  /** Public: what the sign-in page shows, and who is signed in when the cookie holds a session. */
  @Public()
  @Get('settings')
  async settings(@Req() request: Request): Promise<AuthSettingsDto> {
    const token = readSessionCookie(request);
    const user = token ? await this.auth.authenticate(token, request.ip ?? null) : null;
    return {
      user: user ? toCurrentUserDto(user) : null,
      simulatedData: this.config.simulatorMode,
      demoAccounts: this.config.simulatorMode
        ? DEMO_ACCOUNTS.map(({ email, password, role }) => ({ email, password, role }))
        : [],
      oidcEnabled: this.config.oidc !== null,
    };
  }

  @Public()
  @Post('sign-in')
  @HttpCode(200)
  async signIn(
    @Body() body: SignInBody,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionDto> {
    const session = await this.auth.signIn(
      body.email,
      body.password,
      request.ip ?? null,
      request.header('user-agent') ?? null,
    );
    setSessionCookies(this.config.auth, request, response, session.token, session.csrfToken);
    return {
      user: session.user,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(),
    };
  }

  @RequirePermission('signed-in')
  @Post('sign-out')
  @HttpCode(204)
  async signOut(
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.auth.signOut(user);
    clearSessionCookies(this.config.auth, request, response);
  }

  @RequirePermission('signed-in')
  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser): CurrentUserDto {
    return toCurrentUserDto(user);
  }
}
