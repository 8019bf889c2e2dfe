import type { ApiFieldError } from '@cd31/contracts';
import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

/**
 * Validation at the edge: unknown fields are refused, values are transformed to their declared
 * types, and every failure is reported per field in French.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) => {
      const details = flatten(errors);
      const message =
        details.length === 1 && details[0]
          ? details[0].message
          : `Données invalides (${details.length} erreurs).`;
      return new BadRequestException({ message, details });
    },
  });
}

function flatten(errors: ValidationError[], prefix = ''): ApiFieldError[] {
  const result: ApiFieldError[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    for (const [constraint, text] of Object.entries(error.constraints ?? {})) {
      result.push({ field, message: frenchConstraint(constraint, field, text) });
    }
    if (error.children && error.children.length > 0) {
      result.push(...flatten(error.children, field));
    }
  }
  return result;
}

function frenchConstraint(constraint: string, field: string, text: string): string {
  if (constraint === 'whitelistValidation') {
    return `Le champ « ${field} » n'est pas attendu.`;
  }
  return text;
}
