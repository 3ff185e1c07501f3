// Settings → a provider's polling row: the learned strategy's latency promise ("Notice within") is shown,
// saved, kept across a reload, refused when out of range, and only editable with the learned strategy.
import { expect, test } from '@playwright/test'
import { startHeadlessApp, type HeadlessApp } from './headless-app'

let app: HeadlessApp

test.beforeEach(async () => {
  app = await startHeadlessApp({ demo: { durationMs: 1500, failureRate: 0 } })
})

test.afterEach(async ({ page }) => {
  await page.close()
  await app?.stop()
})

test('the latency promise is set per provider, kept across a reload, and refused out of range', async ({ page }) => {
  await page.goto(app.url)
  await page.getByRole('tab', { name: 'Settings' }).click()
  await page.getByRole('tablist', { name: 'Providers' }).getByRole('tab', { name: /^Demo/ }).click()
  const panel = page.getByRole('tabpanel').getByTestId('provider-settings')
  const notice = panel.getByLabel('Notice within (s)')
  await expect(notice).toHaveValue('0')
  await notice.fill('1.5')
  await panel.getByRole('button', { name: 'Save polling' }).click()
  await expect(panel.getByTestId('polling-result')).toContainText('saved')
  await panel.screenshot({ path: test.info().outputPath('latency-promise.png') })

  await notice.fill('-2')
  await panel.getByRole('button', { name: 'Save polling' }).click()
  await expect(panel.getByTestId('polling-result')).toContainText('Notice within must be a number of seconds from 0 to 3600')
  await panel.getByRole('button', { name: 'Revert' }).click()

  await page.reload()
  await page.getByRole('tab', { name: 'Settings' }).click()
  await page.getByRole('tablist', { name: 'Providers' }).getByRole('tab', { name: /^Demo/ }).click()
  const again = page.getByRole('tabpanel').getByTestId('provider-settings')
  await expect(again.getByLabel('Notice within (s)')).toHaveValue('1.5')
  // Only the learned strategy keeps a promise; with a docs recipe the field is shown but not editable.
  await again.getByLabel('Polling strategy for Demo (offline simulator)').selectOption('fixed')
  await expect(again.getByLabel('Notice within (s)')).toBeDisabled()
})
