import type { ApiErrorBody, ApiFieldError } from '@cd31/contracts';
import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Response } from 'express';

/** French default messages for statuses raised without one (e.g. by Nest itself). */
const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'La requête est invalide.',
  401: 'Authentification requise.',
  403: "Vous n'avez pas le droit d'effectuer cette action.",
  404: 'Ressource introuvable.',
  409: 'Cette opération entre en conflit avec des données existantes.',
  413: 'La requête est trop volumineuse.',
  415: "Ce type de contenu n'est pas accepté.",
  429: 'Trop de requêtes : réessayez dans quelques instants.',
  500: 'Erreur interne du serveur.',
  503: 'Service momentanément indisponible.',
};

/** Shapes every error as ApiErrorBody: a French message, field details, never a stack trace. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    if (!response.headersSent) {
      response.status(body.statusCode).json(body);
    }
  }

  private toBody(exception: unknown): ApiErrorBody {
    if (!(exception instanceof HttpException)) {
      // Errors of Express middlewares (http-errors: body too large, unreadable body) carry their status.
      const status = clientErrorStatus(exception);
      return status
        ? errorBody(status, DEFAULT_MESSAGES[status] ?? DEFAULT_MESSAGES[400] ?? 'Erreur.')
        : errorBody(HttpStatus.INTERNAL_SERVER_ERROR, DEFAULT_MESSAGES[500] ?? 'Erreur');
    }
    const status = exception.getStatus();
    const payload = exception.getResponse();
    if (typeof payload === 'object' && payload !== null) {
      const { message, details } = payload as { message?: unknown; details?: unknown };
      if (Array.isArray(details)) {
        return errorBody(status, stringOr(message, status), details as ApiFieldError[]);
      }
      if (typeof message === 'string' && isFrenchWorthy(message, status)) {
        return errorBody(status, message);
      }
    } else if (typeof payload === 'string' && isFrenchWorthy(payload, status)) {
      return errorBody(status, payload);
    }
    return errorBody(status, DEFAULT_MESSAGES[status] ?? 'Erreur.');
  }
}

/**
 * Nest and its middlewares raise English messages ("Cannot GET /x", "Unexpected token"); ours are
 * French. A message with a French accent or apostrophe pattern is kept, others use the default.
 */
function isFrenchWorthy(message: string, status: number): boolean {
  if (status >= 500) {
    return false;
  }
  return /[àâçéèêëîïôûùüÿœ«»]|^(Le|La|Les|L'|Un|Une|Aucun|Ce|Cette|Vous|Trop|Fichier|Données|Impossible|Session|Mot|Identifiant|Accès|Budget|Facture|Anomalie|Import|Synchronisation)\b/i.test(
    message,
  );
}

function stringOr(message: unknown, status: number): string {
  return typeof message === 'string' ? message : (DEFAULT_MESSAGES[status] ?? 'Erreur.');
}

function errorBody(statusCode: number, message: string, details?: ApiFieldError[]): ApiErrorBody {
  const error = HttpStatus[statusCode] ?? 'Error';
  return details ? { statusCode, error, message, details } : { statusCode, error, message };
}

function clientErrorStatus(exception: unknown): number | null {
  if (typeof exception !== 'object' || exception === null) {
    return null;
  }
  const { status, statusCode, expose } = exception as {
    status?: unknown;
    statusCode?: unknown;
    expose?: unknown;
  };
  const code =
    typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : null;
  return code !== null && code >= 400 && code < 500 && expose === true ? code : null;
}
