// Issue 18, items 6, 9, 10 and 11, walked as a new user in headless mode: time left per job and per run,
// an unreachable provider said in words and shown, desktop-only actions replaced in a browser, and the app
// laid out for 1000×700. Screenshots land in <tmp>/batch-studio-shots/first-hour-2/ to be looked at (outside
// test-results/, which every Playwright run empties).
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { startHeadlessApp, type HeadlessApp } from './headless-app'

const SHOTS = join(tmpdir(), 'batch-studio-shots', 'first-hour-2')
const SMALL = { width: 1000, height: 700 }

const rows = (page: Page) => page.getByTestId('job-row')
const row = (page: Page, prompt: string) => rows(page).filter({ has: page.locator('.prompt-text', { hasText: new RegExp(`^${prompt}$`) }) })

async function queue(page: Page, lines: string[]): Promise<void> {
  await page.getByLabel('Prompts').fill(lines.join('\n'))
  await page.getByRole('button', { name: 'Queue', exact: true }).click()
  await expect(page.getByLabel('Prompts')).toHaveValue('')
}

/** A port on 127.0.0.1 that was just free: connecting to it is a real ECONNREFUSED. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

let app: HeadlessApp | undefined
test.afterEach(async ({ page }) => {
  await page.close()
  await app?.stop()
  app = undefined
})

test('6: a running job shows its time left from the model’s history, the run its own, and a failed job no bar', async ({ page }) => {
  app = await startHeadlessApp({ demo: { durationMs: 1200, failureRate: 0 } })
  await page.goto(app.url)
  // A first batch teaches the Demo's image model how long a job takes.
  await queue(page, ['history one', 'history two', 'history three'])
  await expect(rows(page).filter({ has: page.getByText('done', { exact: true }) })).toHaveCount(3, { timeout: 30_000 })
  // Before history, nothing claims a time; with it, a slower run shows minutes and seconds left.
  await page.getByRole('tab', { name: 'Settings' }).click()
  await app.call('updateSettings', { demo: { durationMs: 6000 } })
  await page.getByRole('tab', { name: 'Queue' }).click()
  await queue(page, ['slow one', 'slow two'])
  const bar = row(page, 'slow one').getByRole('progressbar', { name: 'Progress' })
  // The history says ~1.2 s, so a 6 s job is soon past it: "any moment" is what it says then, never a negative time.
  await expect(bar).toHaveAttribute('aria-valuetext', /^(0:0\d left|any moment)$/, { timeout: 15_000 })
  await expect(page.getByTestId('run-progress')).toContainText(/finished \d+% · (about 0:0\d left|finishing)/)
  // Two batches running at once: each says its own time left.
  await queue(page, ['slow three'])
  const perBatch = page.getByTestId('batch-etas')
  await expect(perBatch.locator('.batch-eta')).toHaveCount(2, { timeout: 10_000 })
  for (const text of await perBatch.locator('.batch-eta').allInnerTexts()) expect(text).toMatch(/^Batch .+: (about 0:0\d left|finishing)$/)
  await page.screenshot({ path: join(SHOTS, 'eta-1400.png') })

  // A job that fails has no bar left in its row (no purple 96 %), and its reason is in the row.
  await app.call('updateSettings', { demo: { durationMs: 800, failureRate: 1 } })
  await queue(page, ['doomed'])
  const doomed = row(page, 'doomed')
  await expect(doomed.getByText('failed', { exact: true })).toBeVisible({ timeout: 20_000 })
  await expect(doomed.getByRole('progressbar')).toHaveCount(0)
  await expect(doomed.getByRole('gridcell').last()).not.toBeEmpty()
})

test('9: an unreachable provider is said in words, shown as such, and its job waits with its tries counted', async ({ page }) => {
  const port = await closedPort()
  app = await startHeadlessApp(
    {},
    {
      env: {
        LETZAI_BASE_URL: `http://127.0.0.1:${port}`,
        LETZAI_API_KEY: 'e2e-letz-key',
        BFL_BASE_URL: 'https://api.batch-studio-e2e.invalid',
        BFL_API_KEY: 'e2e-bfl-key'
      }
    }
  )
  await page.setViewportSize(SMALL)
  await page.goto(app.url)

  // Test connection on BFL: the host in words and that the key was not checked; no green "active" after.
  await page.getByRole('tab', { name: 'Settings' }).click()
  await page.getByRole('tab', { name: /BFL/ }).click()
  await page.getByRole('button', { name: 'Test connection' }).click()
  await expect(page.getByTestId('connection-result')).toHaveText(
    "Can't reach api.batch-studio-e2e.invalid (the name was not found) — check your connection; the key was not checked"
  )
  const panel = page.getByTestId('provider-settings')
  await expect(panel.getByRole('status')).toContainText("Can't reach api.batch-studio-e2e.invalid since")
  await expect(panel.getByText('active', { exact: true })).toHaveCount(0)
  await expect(page.getByRole('tab', { name: /BFL/ })).toContainText('cannot be reached')
  await page.screenshot({ path: join(SHOTS, 'unreachable-settings-1000.png') })

  // A LetzAI job on a machine that cannot reach it: queued, the reason in its row, the next try counting down.
  await page.getByRole('tab', { name: 'Queue' }).click()
  await app.call('queuePrompts', { prompts: ['offline fox'], provider: 'letzai' })
  const fox = row(page, 'offline fox')
  // At 1000×700 the Error column has no room: the reason is under the prompt.
  await expect(fox.getByText(`Can't reach 127.0.0.1:${port} (nothing answers there)`).filter({ visible: true })).toBeVisible({ timeout: 15_000 })
  await expect(fox).toContainText(/try [2-9] in \d+:\d\d/)
  await expect(fox).toContainText('queued')
  // The tries rise (the row says how many so far) while the provider never took it.
  await expect(fox).toContainText(/[2-9] tries so far/, { timeout: 15_000 })
  await expect(fox).toContainText(/try [3-9] in \d+:\d\d/)
  await expect(page.getByRole('contentinfo', { name: 'Status' }).getByTestId('unreachable-provider').filter({ hasText: 'LetzAI' })).toContainText(
    `Can't reach 127.0.0.1:${port} since`
  )
  await page.screenshot({ path: join(SHOTS, 'unreachable-queue-1000.png') })
})

test('10: in a browser, Open shows the file in a tab and a finished export downloads as a ZIP', async ({ page, context }) => {
  app = await startHeadlessApp({ demo: { durationMs: 600, failureRate: 0 } })
  await page.goto(app.url)
  await queue(page, ['a lighthouse at dusk'])
  const done = row(page, 'a lighthouse at dusk')
  await expect(done.getByText('done', { exact: true })).toBeVisible({ timeout: 20_000 })
  await done.click()
  const drawer = page.getByRole('complementary', { name: /Job/ })
  await expect(drawer.getByRole('button', { name: 'Show in folder' })).toHaveCount(0)
  const [tab] = await Promise.all([context.waitForEvent('page'), drawer.getByRole('link', { name: 'Open' }).click()])
  await tab.waitForLoadState()
  expect(new URL(tab.url()).pathname).toMatch(/^\/asset\/\d+\/file$/)
  await tab.close()
  await expect(page.getByRole('alert')).toHaveCount(0)

  await page.getByRole('tab', { name: 'Gallery' }).click()
  await page.getByRole('button', { name: 'Export all…' }).click()
  const dialog = page.getByTestId('export-dialog')
  await dialog.getByLabel('Destination').press('Enter')
  await expect(dialog).toHaveAttribute('data-state', 'done', { timeout: 30_000 })
  const written = await dialog.getByTestId('export-path').innerText()
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('link', { name: 'Download ZIP' }).click()])
  expect(download.suggestedFilename()).toMatch(/\.zip$/)
  const saved = await download.path()
  // The browser got the very file the export wrote (a ZIP: "PK\x03\x04").
  expect(readFileSync(saved).equals(readFileSync(written))).toBe(true)
  expect(readFileSync(saved).subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004')
})

test('11: at 1000×700 a failure keeps its reason, the composer folds away (Mod+B) and the gallery toolbar fits', async ({ page }) => {
  app = await startHeadlessApp({ demo: { durationMs: 600, failureRate: 1 } })
  await page.setViewportSize(SMALL)
  await page.goto(app.url)
  await queue(page, ['will fail', 'also fails'])
  const failed = row(page, 'will fail')
  await expect(failed.getByText('failed', { exact: true })).toBeVisible({ timeout: 20_000 })
  // And some that succeed, for the gallery below.
  await app.call('updateSettings', { demo: { failureRate: 0 } })
  await queue(page, ['a harbour at night', 'a meadow in fog', 'a red kite'])
  await expect(rows(page).filter({ has: page.getByText('done', { exact: true }) })).toHaveCount(3, { timeout: 20_000 })
  const reason = failed.locator('.prompt-error')
  await expect(reason).toBeVisible()
  await expect(reason).not.toBeEmpty()
  await page.screenshot({ path: join(SHOTS, 'queue-1000.png') })

  // With the drawer open the reason is still in the row, and the drawer says it in full.
  await failed.click()
  await expect(page.getByRole('complementary', { name: /Job/ }).getByRole('alert')).toBeVisible()
  await expect(reason).toBeVisible()
  await expect(failed.getByText('failed', { exact: true })).toBeVisible()
  await page.screenshot({ path: join(SHOTS, 'queue-drawer-1000.png') })
  await page.keyboard.press('Escape')

  // The composer folds away with its button and comes back with the shortcut, keeping what was typed.
  await page.getByLabel('Prompts').fill('kept while hidden')
  const toggle = page.getByRole('button', { name: 'Composer' })
  await expect(toggle).toHaveAttribute('aria-expanded', 'true')
  await toggle.click()
  await expect(toggle).toHaveAttribute('aria-expanded', 'false')
  await expect(page.getByRole('complementary', { name: 'Composer' })).toBeHidden()
  await page.getByRole('tab', { name: 'Settings' }).click()
  await page.screenshot({ path: join(SHOTS, 'settings-folded-1000.png') })
  await page.keyboard.press('Control+b')
  await expect(toggle).toHaveAttribute('aria-expanded', 'true')
  await expect(page.getByLabel('Prompts')).toHaveValue('kept while hidden')

  // The gallery's toolbar is one row; its filters take two rows beside the composer and one without it.
  await page.getByRole('tab', { name: 'Gallery' }).click()
  const toolbar = page.locator('.gallery-view .toolbar')
  const filters = page.getByRole('group', { name: 'Gallery filters' })
  await expect(filters).toBeVisible()
  const rowHeight = (await page.getByLabel('From date').boundingBox())!.height
  expect((await toolbar.boundingBox())!.height).toBeLessThan(2 * rowHeight + 24)
  expect((await filters.boundingBox())!.height).toBeLessThan(3 * rowHeight)
  await page.screenshot({ path: join(SHOTS, 'gallery-1000.png') })
  await page.keyboard.press('Control+b')
  await expect(toggle).toHaveAttribute('aria-expanded', 'false')
  await page.screenshot({ path: join(SHOTS, 'gallery-folded-1000.png') })
  expect((await filters.boundingBox())!.height).toBeLessThan(2 * rowHeight)
  await page.keyboard.press('Control+b')
  await page.setViewportSize({ width: 1400, height: 900 })
  await page.screenshot({ path: join(SHOTS, 'gallery-1400.png') })
  await page.getByRole('tab', { name: 'Queue' }).click()
  await page.screenshot({ path: join(SHOTS, 'queue-1400.png') })
})
