// 100,000 jobs and 100,000 gallery items (bench/library-fixture.ts) in the real headless app and Debian's
// Chromium: the queue and the gallery paint, scroll to the middle and the end showing the right rows, and
// the page still answers clicks afterwards. No timing thresholds here: speed is measured by bench/ui-scale.ts.
import { expect, test, type Locator } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateLibrary } from '../../bench/library-fixture'
import { startHeadlessApp, type HeadlessApp } from './headless-app'

let app: HeadlessApp
let dataDir: string
let library: { jobs: number; assets: number }

test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  test.setTimeout(180_000)
  dataDir = mkdtempSync(join(tmpdir(), 'bs-scale-e2e-'))
  library = generateLibrary(dataDir, { jobs: 100_000 })
  app = await startHeadlessApp({}, { dataDir })
})

test.afterAll(async () => {
  await app?.stop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

/** Ids of the rows (or tiles) on screen, once they have loaded (placeholders carry none). */
async function shownIds(locator: Locator, attribute: string): Promise<number[]> {
  return (await locator.evaluateAll((els, attr) => els.map((el) => Number(el.getAttribute(attr))), attribute)).filter((n) => n > 0)
}

async function scrollTo(scroller: Locator, fraction: number): Promise<void> {
  await scroller.evaluate((el, f) => {
    el.scrollTop = (el.scrollHeight - el.clientHeight) * f
  }, fraction)
}

test('the queue of 100,000 jobs paints, scrolls to the middle and the end, and stays responsive', async ({ page }) => {
  expect(library.assets).toBe(100_000)
  const { total, jobs } = await app.call('listJobs', { limit: 1 })
  expect(total).toBe(library.jobs)
  const newest = jobs[0].id

  await page.goto(app.url)
  await page.getByRole('tab', { name: 'Queue' }).click()
  const rows = page.locator('[data-testid="job-row"]')
  await expect(rows.first()).toBeVisible()
  // Newest first: the top row is the last job made.
  await expect(rows.first()).toHaveAttribute('data-job-id', String(newest))

  const grid = page.getByRole('grid', { name: 'Jobs' })
  await scrollTo(grid, 0.5)
  // Rows near the middle of the list: ids are 1..N in order, so the middle's ids are near N/2.
  await expect.poll(async () => (await shownIds(rows, 'data-job-id')).some((id) => Math.abs(id - newest / 2) < newest * 0.02), { timeout: 20_000 }).toBe(true)
  const middle = await shownIds(rows, 'data-job-id')
  expect(Math.max(...middle) - Math.min(...middle)).toBeLessThan(200)

  await scrollTo(grid, 1)
  await expect(page.locator('[data-testid="job-row"][data-job-id="1"]')).toBeVisible({ timeout: 20_000 })

  // Wheel scrolling goes through the real input path; then the page must still answer a click.
  await grid.hover()
  for (let i = 0; i < 10; i++) await page.mouse.wheel(0, -1500)
  await expect.poll(async () => Math.max(...(await shownIds(rows, 'data-job-id'))), { timeout: 20_000 }).toBeGreaterThan(200)
  await page.getByRole('tab', { name: 'Settings' }).click()
  await expect(page.getByRole('tab', { name: 'Settings' })).toHaveAttribute('aria-selected', 'true')
})

test('the gallery of 100,000 items paints, scrolls to the middle and the end, and stays responsive', async ({ page }) => {
  await page.goto(app.url)
  await page.getByRole('tab', { name: 'Gallery' }).click()
  const tiles = page.getByTestId('gallery-item')
  await expect(tiles.first()).toBeVisible()
  await expect(page.getByTestId('gallery-count')).toHaveText('100,000 items')
  // Newest first.
  await expect(tiles.first()).toHaveAttribute('data-asset-id', String(library.assets))

  const grid = page.getByTestId('gallery-grid')
  await scrollTo(grid, 0.5)
  await expect
    .poll(async () => (await shownIds(tiles, 'data-asset-id')).some((id) => Math.abs(id - library.assets / 2) < library.assets * 0.02), { timeout: 20_000 })
    .toBe(true)

  await scrollTo(grid, 1)
  await expect(page.locator('[data-testid="gallery-item"][data-asset-id="1"]')).toBeVisible({ timeout: 20_000 })

  await grid.hover()
  for (let i = 0; i < 10; i++) await page.mouse.wheel(0, -1500)
  await expect.poll(async () => Math.max(...(await shownIds(tiles, 'data-asset-id'))), { timeout: 20_000 }).toBeGreaterThan(100)

  // Still answering: a tile opens in the lightbox, Escape closes it; Ctrl+A selects all 100,000.
  const tile = tiles.first()
  const prompt = await tile.getAttribute('title')
  await tile.click()
  await expect(page.getByTestId('lightbox-prompt')).toHaveText(prompt!)
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('lightbox')).toBeHidden()
  await page.keyboard.press('ControlOrMeta+a')
  await expect(page.getByTestId('gallery-selection-count')).toHaveText('All 100,000 items selected')
  await page.keyboard.press('Escape')

  // A search over 100,000 prompts narrows at once (fixture prompts end in "#<n>").
  await page.getByLabel('Search gallery').fill('lighthouse watercolour')
  await expect(page.getByTestId('gallery-count')).not.toHaveText('100,000 items')
  await expect(tiles.first()).toHaveAttribute('title', /lighthouse watercolour/)
})
