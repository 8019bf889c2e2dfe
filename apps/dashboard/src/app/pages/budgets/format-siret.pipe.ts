import { Pipe, type PipeTransform } from '@angular/core';

/** `22310001700423` → `223 100 017 00423`, the way CD31's guide prints SIRETs. */
@Pipe({ name: 'formatSiret' })
export class FormatSiretPipe implements PipeTransform {
  transform(siret: string | null | undefined): string {
    if (!siret || !/^\d{14}$/.test(siret)) {
      return siret ?? '';
    }
    return `${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}`;
  }
}
