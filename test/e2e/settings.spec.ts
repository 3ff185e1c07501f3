// Settings in Debian's Chromium against `npm run headless`: a provider's API key is write-only, the
// connection test says what happened, base URLs are checked, and polling settings persist.
import { expect, test, type Page } from '@playwright/test'
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pageProblems, startHeadlessApp, type HeadlessApp } from './headless-app'
import { startE2ESimulator } from './simulator'

let app: HeadlessApp
let problems: string[]

test.beforeEach(async ({ page }) => {
  app = await startHeadlessApp({ demo: { durationMs: 1500, failureRate: 0 } })
  problems = pageProblems(page)
})

test.afterEach(async ({ page }) => {
  // Close the page first: a page left open would log the event stream dropping as the app stops.
  const seen = [...problems]
  await page.close()
  await app?.stop()
  expect(seen).toEqual([])
})

async function openProvider(page: Page, label: string) {
  await page.getByRole('tab', { name: 'Settings' }).click()
  await page
    .getByRole('tablist', { name: 'Providers' })
    .getByRole('tab', { name: new RegExp(`^${label}`) })
    .click()
  const panel = page.getByRole('tabpanel').getByTestId('provider-settings')
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText(new RegExp(`^${label}`))
  return panel
}

test('an API key is sent, never shown: the provider says "key set" and the page never holds the key', async ({ page }) => {
  const secret = 'sk-live-DO-NOT-SHOW-4711abcdef'
  await page.goto(app.url)
  const panel = await openProvider(page, 'LetzAI')
  await expect(panel.getByTestId('key-state')).toHaveText('no key')
  const input = panel.getByLabel('API key for LetzAI')
  await expect(input).toHaveAttribute('type', 'password')
  await input.fill(secret)
  await panel.getByRole('button', { name: 'Save key' }).click()

  await expect(panel.getByTestId('key-state')).toHaveText('key set')
  await expect(input).toHaveValue('')
  await expect(page.getByRole('tablist', { name: 'Providers' }).getByRole('tab', { name: /LetzAI/ })).toContainText('key set')
  expect(await page.content()).not.toContain(secret)
  expect(await page.evaluate(() => [...document.querySelectorAll('input')].map((i) => i.value).join('\n'))).not.toContain(secret)

  // After a reload the key is still set and still nowhere on the page.
  await page.reload()
  const again = await openProvider(page, 'LetzAI')
  await expect(again.getByTestId('key-state')).toHaveText('key set')
  expect(await page.content()).not.toContain(secret)

  // Clearing is sending an empty key.
  await again.getByRole('button', { name: 'Clear key' }).click()
  await expect(again.getByTestId('key-state')).toHaveText('no key')
})

test('test connection: green when it works, red with the reason when it does not', async ({ page }) => {
  await page.goto(app.url)
  const demo = await openProvider(page, 'Demo')
  await demo.getByRole('button', { name: 'Test connection' }).click()
  const ok = demo.getByTestId('connection-result')
  await expect(ok).toHaveClass(/\bok\b/)
  await expect(ok).toContainText('Connected')
  const demoUrl = await demo.getByLabel('Base URL').inputValue()
  expect(demoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+/)

  // LetzAI pointed at a simulator speaking its API (the Demo's answers only its own run key), with a key:
  // the wrong one is refused, the right one connects.
  const sim = await startE2ESimulator({ keys: { letzai: 'the-key-the-simulator-takes' } })
  const letzai = await openProvider(page, 'LetzAI')
  await letzai.getByLabel('Base URL').fill('http://example.com/api')
  await letzai.getByRole('button', { name: 'Save URL' }).click()
  await expect(letzai.getByTestId('base-url-result')).toHaveClass(/\berror\b/)
  await expect(letzai.getByTestId('base-url-result')).toContainText('must use https')
  await letzai.getByLabel('Base URL').fill(sim.baseUrl('letzai'))
  await letzai.getByRole('button', { name: 'Save URL' }).click()
  await expect(letzai.getByTestId('base-url-result')).toContainText('Base URL saved')
  await letzai.getByLabel('API key for LetzAI').fill('a-wrong-key')
  await letzai.getByRole('button', { name: 'Save key' }).click()
  await letzai.getByRole('button', { name: 'Test connection' }).click()
  await expect(letzai.getByTestId('connection-result')).toHaveClass(/\berror\b/)
  await expect(letzai.getByTestId('connection-result')).toContainText('rejected the API key')
  await expect(letzai.getByTestId('connection-result')).not.toContainText('a-wrong-key')
  await letzai.getByLabel('API key for LetzAI').fill('the-key-the-simulator-takes')
  await letzai.getByRole('button', { name: 'Save key' }).click()
  await expect(letzai.getByTestId('key-state')).toHaveText('key set')
  await letzai.getByRole('button', { name: 'Test connection' }).click()
  await expect(letzai.getByTestId('connection-result')).toHaveClass(/\bok\b/)
  await expect(letzai.getByTestId('connection-result')).toContainText('Connected')
  await expect(letzai.getByTestId('connection-result')).toHaveCSS('color', 'rgb(74, 222, 128)')

  // A server that is not there: red, with the reason.
  await letzai.getByLabel('Base URL').fill('http://127.0.0.1:9/')
  await letzai.getByRole('button', { name: 'Save URL' }).click()
  await expect(letzai.getByTestId('base-url-result')).toContainText('Base URL saved')
  await letzai.getByRole('button', { name: 'Test connection' }).click()
  const bad = letzai.getByTestId('connection-result')
  await expect(bad).toHaveClass(/\berror\b/, { timeout: 30_000 })
  await expect(bad).not.toBeEmpty()
  await expect(bad).toHaveCSS('color', 'rgb(248, 113, 113)')
  await sim.close()
})

test('a saved key that cannot be used is said on its provider, with what to do', async ({ page }) => {
  // A key file others can read is refused (headless mode keeps keys in 0600 files).
  mkdirSync(join(app.dataDir, 'keys'), { recursive: true })
  writeFileSync(join(app.dataDir, 'keys', 'bfl.key'), 'k-shared-too-widely', { mode: 0o644 })
  chmodSync(join(app.dataDir, 'keys', 'bfl.key'), 0o644)
  try {
    await page.goto(app.url)
    const bfl = await openProvider(page, 'BFL')
    await expect(bfl.getByRole('alert')).toContainText(/has permissions .*chmod 600/)
    expect(await page.content()).not.toContain('k-shared-too-widely')
  } finally {
    rmSync(join(app.dataDir, 'keys', 'bfl.key'), { force: true })
  }
})

test('a polling strategy change persists across a reload', async ({ page }) => {
  await page.goto(app.url)
  const panel = await openProvider(page, 'Demo')
  const strategy = panel.getByLabel('Polling strategy for Demo (offline simulator)')
  await expect(strategy).toHaveValue('learned')
  await strategy.selectOption('exponential')
  await panel.getByLabel('Rate /s').fill('20')
  await panel.getByLabel('Concurrency').fill('4')
  await panel.getByRole('button', { name: 'Save polling' }).click()
  await expect(panel.getByTestId('polling-result')).toContainText('saved')

  // An out-of-range value is refused before it is sent.
  await panel.getByLabel('Burst').fill('0')
  await panel.getByRole('button', { name: 'Save polling' }).click()
  await expect(panel.getByTestId('polling-result')).toContainText('Burst must be a whole number')
  await panel.getByRole('button', { name: 'Revert' }).click()

  await page.reload()
  const again = await openProvider(page, 'Demo')
  await expect(again.getByLabel('Polling strategy for Demo (offline simulator)')).toHaveValue('exponential')
  await expect(again.getByLabel('Rate /s')).toHaveValue('20')
  await expect(again.getByLabel('Concurrency')).toHaveValue('4')

  // Pausing and resuming the provider.
  await again.getByRole('button', { name: 'Pause provider' }).click()
  await expect(again.locator('.badge', { hasText: 'paused: Paused by you' })).toBeVisible()
  await expect(page.getByTestId('paused-provider')).toContainText('Demo paused')
  await page.getByTestId('paused-provider').getByRole('button', { name: 'Resume' }).click()
  await expect(page.getByTestId('paused-provider')).toHaveCount(0)
  await expect(again.getByRole('button', { name: 'Pause provider' })).toBeVisible()
})
