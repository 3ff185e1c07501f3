import { defineConfig } from '@playwright/test'

// Debian's Chromium, never a downloaded browser (`npx playwright install` cannot work on these machines).
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

export default defineConfig({
  testDir: 'test/e2e',
  timeout: 120_000,
  workers: 1,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: '.playwright-results.json' }]] : [['list']],
  use: {
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
    viewport: { width: 1400, height: 860 },
    trace: 'off'
  }
})
