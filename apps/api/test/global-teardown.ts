export default async function globalTeardown(): Promise<void> {
  await globalThis.__CD31_TEST_SERVER__?.stop();
}
