import type { Page } from 'playwright-core';
import { DEMO } from './api-client';

/** Signs in through the sign-in page, as a person would. */
export async function signInAs(
  page: Page,
  baseUrl: string,
  role: keyof typeof DEMO,
): Promise<void> {
  await page.goto(`${baseUrl}/connexion`);
  await page.getByLabel('Adresse e-mail').fill(DEMO[role].email);
  await page.getByLabel('Mot de passe').fill(DEMO[role].password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();
}
