/** French formatting in CD31's time zone, whatever the browser's own zone. */
export const PARIS_TIME_ZONE = 'Europe/Paris';

const dateFormat = new Intl.DateTimeFormat('fr-FR', {
  timeZone: PARIS_TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
const dateTimeFormat = new Intl.DateTimeFormat('fr-FR', {
  timeZone: PARIS_TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const euroFormat = new Intl.NumberFormat('fr-FR', {
  style: 'currency',
  currency: 'EUR',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const integerFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });

type DateInput = string | number | Date | null | undefined;

function toDate(value: DateInput): Date | null {
  if (value === null || value === undefined || value === '') {
    return null;
  }
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `dd/mm/yyyy`; a bare `yyyy-mm-dd` is a calendar day and is shown as is. */
export function formatDateFr(value: DateInput): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [year, month, day] = value.split('-');
    return `${day}/${month}/${year}`;
  }
  const date = toDate(value);
  return date ? dateFormat.format(date) : '';
}

/** `dd/mm/yyyy hh:mm` in Europe/Paris. */
export function formatDateTimeFr(value: DateInput): string {
  const date = toDate(value);
  return date ? dateTimeFormat.format(date).replace(',', '') : '';
}

/** `1 234,56 €` (with the narrow no-break spaces French typography uses). */
export function formatEuro(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === '') {
    return '';
  }
  const amount = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(amount) ? euroFormat.format(amount) : '';
}

export function formatInteger(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : integerFormat.format(value);
}
