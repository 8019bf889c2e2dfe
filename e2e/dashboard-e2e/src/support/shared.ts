/** The product the global setup started for the journeys. */
export function baseUrl(): string {
  const url = process.env['CD31_E2E_BASE_URL'];
  if (!url) {
    throw new Error(
      'CD31_E2E_BASE_URL is not set: run the journeys through e2e/dashboard-e2e/jest.config.js',
    );
  }
  return url;
}
