import { Pipe, type PipeTransform } from '@angular/core';
import { formatDateFr, formatDateTimeFr, formatEuro, formatInteger } from './french-format';

@Pipe({ name: 'frDate' })
export class FrDatePipe implements PipeTransform {
  transform(value: string | number | Date | null | undefined): string {
    return formatDateFr(value);
  }
}

@Pipe({ name: 'frDateTime' })
export class FrDateTimePipe implements PipeTransform {
  transform(value: string | number | Date | null | undefined): string {
    return formatDateTimeFr(value);
  }
}

@Pipe({ name: 'euro' })
export class EuroPipe implements PipeTransform {
  transform(value: number | string | null | undefined): string {
    return formatEuro(value);
  }
}

@Pipe({ name: 'frInteger' })
export class FrIntegerPipe implements PipeTransform {
  transform(value: number | null | undefined): string {
    return formatInteger(value);
  }
}
