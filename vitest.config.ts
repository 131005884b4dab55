import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,backend,electron,renderer,scripts,bench}/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', '**/dist/**', 'e2e/**'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    pool: 'forks',
    reporters: process.env.TANDEM_JSON_REPORT
      ? ['default', ['json', { outputFile: process.env.TANDEM_JSON_REPORT }]]
      : ['default'],
  },
});
