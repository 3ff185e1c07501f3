// Costs in Debian's Chromium against `npm run headless`: the composer's estimate changes as prompts are typed
// (the models of unknown price named), a batch budget pauses new submits at its cap with the reason in the
// status bar and the held jobs' rows while the jobs already sent finish, the drawer shows a job's cost, and
// Settings shows the price table with its sources and dates and takes a price of the user's own.
import { expect, test } from '@playwright/test'
import { pageProblems, startHeadlessApp, type HeadlessApp } from './headless-app'

/** Where screenshots go when asked for (SHOTS=dir). */
const SHOTS = process.env.SHOTS

let app: HeadlessApp
let problems: string[]

test.beforeEach(async ({ page }) => {
  app = await startHeadlessApp({ demo: { durationMs: 800, failureRate: 0 } })
  problems = pageProblems(page)
  await page.goto(app.url)
  await expect(page.getByText('Live', { exact: true })).toBeVisible()
})

test.afterEach(async ({ page }) => {
  const seen = [...problems]
  await page.close()
  await app?.stop()
  expect(seen).toEqual([])
})

test('the estimate follows the prompts typed, and a batch budget pauses submits at its cap with the reason', async ({ page }) => {
  const prompts = page.getByLabel('Prompts')
  const estimate = page.getByTestId('cost-estimate')
  await prompts.fill('a lighthouse at dawn')
  await expect(estimate).toContainText('1 job ≈ $0.03')
  await prompts.press('End')
  await prompts.pressSequentially('\na fox in the snow\na red kite')
  await expect(estimate).toContainText('3 jobs ≈ $0.09')
  await page.getByLabel('Count per prompt').fill('4')
  await expect(estimate).toContainText('12 jobs ≈ $0.36')
  if (SHOTS) await page.locator('.composer').screenshot({ path: `${SHOTS}/costs-composer-estimate.png` })

  // A budget of $0.15 for the batch: five jobs go, the other seven wait with the reason.
  await page.getByLabel('Batch budget').fill('0.15')
  await expect(estimate).toContainText('Budget: this batch’s $0.15')
  await page.getByRole('button', { name: 'Queue', exact: true }).click()
  const rows = page.getByTestId('job-row')
  await expect(rows).toHaveCount(12)
  await expect(page.locator('[data-testid="job-row"][data-status="done"]')).toHaveCount(5, { timeout: 30_000 })
  const hold = page.getByTestId('budget-hold')
  await expect(hold).toContainText('Budget reached: Batch')
  await expect(hold).toContainText('has $0.15 spent or reserved of its $0.15 cap')
  await expect(page.locator('[data-testid="job-row"][data-status="queued"]')).toHaveCount(7)
  await page.waitForTimeout(1500)
  await expect(page.locator('[data-testid="job-row"][data-status="done"]')).toHaveCount(5)
  await expect(page.getByTestId('queue-costs')).toContainText('Cost: spent $0.15')
  await expect(page.getByTestId('queue-costs')).toContainText('estimate $0.36')
  // The next batch starts without the budget.
  await expect(page.getByLabel('Batch budget')).toHaveValue('')

  // A held job's row says why; a done job's drawer shows its cost.
  await page.locator('[data-testid="job-row"][data-status="done"]').first().click()
  await expect(page.getByTestId('job-cost')).toHaveText('$0.03 · billed')
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/costs-budget-hold.png` })
})

test('an unknown-price model is named, and under a budget Queue asks first', async ({ page }) => {
  await page.getByLabel('Prompts').fill('a quiet street')
  await page.getByLabel('Batch budget').fill('1')
  // Add UMRGEN (no known price) beside the Demo.
  await page.getByRole('button', { name: 'Choose models' }).click()
  await page.getByRole('checkbox', { name: /^UMRGEN · / }).check()
  await page.getByRole('button', { name: 'Done' }).click()
  await expect(page.getByTestId('cost-unknown')).toContainText('UMRGEN')
  await page.getByRole('button', { name: 'Queue', exact: true }).click()
  await expect(page.getByRole('alert')).toContainText('no known price, so the budget cannot hold')
  await expect(page.getByRole('button', { name: 'Queue anyway' })).toBeVisible()
  await expect(page.getByTestId('job-row')).toHaveCount(0)
})

test('Settings shows each price with its source and date, and a price of your own changes the estimate', async ({ page }) => {
  await page.getByRole('tab', { name: 'Settings' }).click()
  const settings = page.getByTestId('cost-settings')
  await expect(settings).toBeVisible()
  const demoImages = settings.locator('[data-testid="price-row"][data-key="demo/images"]')
  await expect(demoImages).toContainText('$0.03 per image')
  await expect(demoImages).toContainText('read 2026-12-01')
  await expect(settings.locator('[data-testid="price-row"][data-key="bfl/flux-2-pro"]')).toContainText('3 cr first MP + 1.5 cr/MP')
  await expect(settings.getByTestId('billing-facts').filter({ hasText: 'UMRGEN' })).toContainText('its cost is unknown')
  if (SHOTS) {
    await settings.getByRole('heading', { name: 'Prices & budgets' }).scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${SHOTS}/costs-settings-budgets.png` })
    await settings.getByRole('heading', { name: 'Prices', exact: true }).scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${SHOTS}/costs-settings-prices.png` })
  }
  await demoImages.getByLabel('Price of demo/images').fill('0.05')
  await demoImages.getByRole('button', { name: 'Set' }).click()
  await expect(settings.locator('[data-testid="price-row"][data-key="demo/images"]')).toContainText('Set by you in Settings')
  await page.getByRole('tab', { name: 'Queue' }).click()
  await page.getByLabel('Prompts').fill('one\ntwo')
  await expect(page.getByTestId('cost-estimate')).toContainText('2 jobs ≈ $0.10')
})
