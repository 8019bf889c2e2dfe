import { siretErrorMessage, validateSiret } from '@cd31/domain';
import {
  registerDecorator,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidationOptions,
  type ValidatorConstraintInterface,
} from 'class-validator';

@ValidatorConstraint({ name: 'siret' })
class SiretConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && validateSiret(value).valid;
  }

  defaultMessage(args: ValidationArguments): string {
    const value: unknown = args.value;
    const result = validateSiret(typeof value === 'string' ? value : '');
    return result.valid ? 'Le SIRET est invalide.' : siretErrorMessage(result.reason);
  }
}

/** A 14-digit SIRET with a valid Luhn key; the message says which rule failed, in French. */
export function IsSiret(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: SiretConstraint,
    });
  };
}
