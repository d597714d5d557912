/** Kept in step with package.json by test/platform/version.test.ts. */
export const version = '0.1.0';
