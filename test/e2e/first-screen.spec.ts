// The first screen main renders into the page: the Queue's rows are on screen before any of the app's
// script runs (here: with scripts off), laid out under the page's strict policy, and the app then takes
// over from it without an error.
import { expect, test } from '@playwright/test'
import { startHeadlessApp, type HeadlessApp } from './headless-app'

let app: HeadlessApp

test.beforeAll(async () => {
  app = await startHeadlessApp({ demo: { durationMs: 200, failureRate: 0 } })
  await app.call('queuePrompts', { prompts: ['a lighthouse at dawn', 'a fox in the snow', 'a city of glass'] })
  for (let t0 = Date.now(); (await app.call('listJobs', { status: ['done'] })).total < 3;) {
    if (Date.now() - t0 > 30_000) throw new Error('the three jobs did not finish')
    await new Promise((r) => setTimeout(r, 100))
  }
})

test.afterAll(async () => {
  await app?.stop()
})

/** Page errors, console errors (any Content-Security-Policy violation among them) and warnings (the app
 * says so when the first screen differed from its own first render). */
function problems(page: import('@playwright/test').Page): string[] {
  const found: string[] = []
  page.on('pageerror', (err) => found.push(err.message))
  page.on('console', (msg) => (msg.type() === 'error' || msg.type() === 'warning') && found.push(msg.text()))
  return found
}

test('the rows are on screen before the app runs, each in its place', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false })
  const page = await context.newPage()
  const errors = problems(page)
  await page.goto(app.url)
  const rows = page.getByTestId('job-row')
  await expect(rows).toHaveCount(3)
  await expect(rows.first()).toContainText('a city of glass')
  // The whole screen, the composer beside the rows too: nothing moves in when the app takes it over.
  await expect(page.locator('.composer textarea')).toBeVisible()
  await expect(page.getByTestId('job-row').locator('img').first()).toHaveJSProperty('complete', true)
  // Their style attributes applied (the policy allows them by hash): rows one row height apart.
  const tops = await Promise.all([0, 1, 2].map(async (i) => (await rows.nth(i).boundingBox())!.y))
  expect(tops[1] - tops[0]).toBe(52)
  expect(tops[2] - tops[1]).toBe(52)
  // A picture of the app, not yet the app: nothing in it takes a click or the keyboard.
  expect(await page.locator('.first-screen').getAttribute('inert')).toBe('')
  expect(errors).toEqual([])
  await context.close()
})

test('the app takes the first screen over as it is, and works', async ({ page }) => {
  const errors = problems(page)
  await page.goto(app.url)
  await expect(page.getByLabel('Prompts')).toBeVisible()
  await expect(page.locator('.first-screen[inert]')).toHaveCount(0)
  // Taken over, not rebuilt: the rows main rendered are the ones on screen.
  await expect(page.locator('.first-screen [data-testid="job-row"]')).toHaveCount(3)
  expect(await page.evaluate(`performance.getEntriesByName('batch-studio:ready').length`)).toBe(1)
  await page.getByTestId('job-row').filter({ hasText: 'a fox in the snow' }).click()
  await expect(page.getByTestId('job-drawer')).toContainText('a fox in the snow')
  expect(errors).toEqual([])
})

test('a click that comes while the app takes the screen over is not lost', async ({ page }) => {
  const errors = problems(page)
  // Clicks a row the moment the app's script starts taking the screen over (it lifts `inert`), before its
  // first commit, and notes whether that commit had happened.
  await page.addInitScript(`new MutationObserver((_, observer) => {
    const screen = document.querySelector('#root > .first-screen')
    if (!screen || screen.hasAttribute('inert')) return
    observer.disconnect()
    window.__readyAtClick = performance.getEntriesByName('batch-studio:ready').length
    document.querySelector('[data-testid="job-row"][data-status="done"]:nth-child(2)').click()
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['inert'] })`)
  await page.goto(app.url)
  await expect.poll(() => page.evaluate('window.__readyAtClick')).toBe(0)
  await expect(page.getByTestId('job-drawer')).toContainText('a fox in the snow')
  expect(errors).toEqual([])
})

test('when the page policy refuses the first screen its styles, the app builds its own screen', async ({ page }) => {
  // The page as main serves it, but with the policy it would have without the first screen's style hashes.
  await page.route(
    (url) => url.pathname === '/',
    async (route) => {
      const response = await route.fetch()
      const policy = response.headers()['content-security-policy'].replace(/ 'unsafe-hashes'( 'sha256-[^']+')+/, '')
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': policy } })
    }
  )
  const warnings: string[] = []
  page.on('console', (msg) => msg.type() === 'warning' && warnings.push(msg.text()))
  await page.goto(app.url)
  await expect(page.getByLabel('Prompts')).toBeVisible()
  await expect(page.locator('.first-screen')).toHaveCount(0)
  const rows = page.getByTestId('job-row')
  await expect(rows).toHaveCount(3)
  const tops = await Promise.all([0, 1].map(async (i) => (await rows.nth(i).boundingBox())!.y))
  expect(tops[1] - tops[0]).toBe(52)
  expect(warnings).toEqual([])
})
