import type { ParamMap } from '@angular/router';

/** Angular's `Params`, as read from the URL: a key seen once is a string, several times an array. */
export type UrlQueryParams = Readonly<
  Record<string, string | readonly string[] | null | undefined>
>;

/** Every query parameter of the URL, repeated keys as arrays. */
export function paramsOf(paramMap: ParamMap): UrlQueryParams {
  return Object.fromEntries(paramMap.keys.map((key) => [key, paramMap.getAll(key)]));
}
