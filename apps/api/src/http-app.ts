import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { createValidationPipe } from './common/validation';
import type { AppConfig } from './config/app-config';

export const API_PREFIX = 'api/v1';

/**
 * Scripts only from our origin, nothing inline. The <style> elements Angular and ag-grid inject at
 * run time carry the page's nonce (index.html hands it to Angular through `ngCspNonce`).
 */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", (_req: IncomingMessage, res: ServerResponse) => `'nonce-${cspNonce(res)}'`],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  // An intranet deployment may serve plain http: TLS is the reverse proxy's business.
  upgradeInsecureRequests: null,
};

/** Builds the configured HTTP application (used by main.ts and by the integration specs). */
export async function createHttpApp(
  config: AppConfig,
  databaseUrl: string,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, databaseUrl),
    { bufferLogs: true, bodyParser: true },
  );
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.locals['cspNonce'] = randomBytes(16).toString('base64');
    next();
  });
  const strict = helmet({ contentSecurityPolicy: { directives: CONTENT_SECURITY_POLICY } });
  // Swagger UI's page carries inline <style> blocks it does not let us nonce.
  const docs = helmet({
    contentSecurityPolicy: {
      directives: { ...CONTENT_SECURITY_POLICY, styleSrc: ["'self'", "'unsafe-inline'"] },
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) =>
    (req.path.startsWith('/api/docs') ? docs : strict)(req, res, next),
  );
  app.use(cookieParser());
  app.useBodyParser('json', { limit: '1mb' });
  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('CD31 — suivi Chorus Pro')
      .setDescription('API du tableau de bord de suivi des factures Chorus Pro du CD31')
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document);

  serveDashboard(app, config.dashboardDir);
  return app;
}

/** Serves the built Angular dashboard at `/`, with its client-side routes falling back to index.html. */
function serveDashboard(app: NestExpressApplication, dashboardDir: string): void {
  const indexHtml = path.join(dashboardDir, 'index.html');
  if (!existsSync(indexHtml)) {
    return;
  }
  const page = readFileSync(indexHtml, 'utf8');
  app.useStaticAssets(dashboardDir, { index: false, maxAge: '1h', immutable: false });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || req.path.startsWith('/api/') || path.extname(req.path) !== '') {
      next();
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(page.replaceAll('CSP_NONCE_PLACEHOLDER', cspNonce(res)));
  });
}

function cspNonce(res: ServerResponse | Response): string {
  const locals = (res as Response).locals as Record<string, unknown> | undefined;
  return typeof locals?.['cspNonce'] === 'string' ? locals['cspNonce'] : '';
}
