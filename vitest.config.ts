import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Tests share two cores; real HTTP and SQLite make them I/O-bound, not CPU-bound.
    pool: 'forks',
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.vitest-results.json' }]] : ['default']
  }
})
