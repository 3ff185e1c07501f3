// The gallery in Debian's Chromium against the real headless app: search, the lightbox's keyboard, favourites
// and ratings that survive a reload and filter the grid, and a file removed on disk showing as missing.
import { expect, test, type Page } from '@playwright/test'
import { renameSync } from 'node:fs'
import { startHeadlessApp, type HeadlessApp } from './headless-app'

const PROMPTS = ['a red fox in the snow', 'a lighthouse at dawn', 'a red barn at dusk', 'a city of glass', 'a koi pond in the rain']

let app: HeadlessApp

test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  app = await startHeadlessApp({ demo: { durationMs: 800, failureRate: 0 } })
  await app.call('queuePrompts', { prompts: PROMPTS, batchName: 'Gallery e2e' })
  await expect.poll(async () => (await app.call('getStatusCounts', undefined)).done, { timeout: 60_000 }).toBe(PROMPTS.length)
})

test.afterAll(async () => {
  await app?.stop()
})

/** Console errors and uncaught exceptions on the page: every test ends expecting none. */
function watchProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (err) => problems.push(err.message))
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text())
  })
  return problems
}

async function openGallery(page: Page): Promise<void> {
  await page.goto(app.url)
  await page.getByRole('tab', { name: 'Gallery' }).click()
  await expect(page.getByTestId('gallery-item')).toHaveCount(PROMPTS.length)
}

test('search narrows the tiles; the lightbox steps through them with the arrow keys and closes on Escape', async ({ page }) => {
  const problems = watchProblems(page)
  await openGallery(page)
  const items = page.getByTestId('gallery-item')

  const search = page.getByLabel('Search gallery')
  await search.fill('red')
  await expect(items).toHaveCount(2)
  await expect(page.getByTestId('gallery-count')).toHaveText('2 matching items')
  for (const title of await items.evaluateAll((els) => els.map((el) => el.getAttribute('title')))) expect(title).toContain('red')
  await search.fill('lighthouse')
  await expect(items).toHaveCount(1)
  await expect(items.first()).toHaveAttribute('title', 'a lighthouse at dawn')
  await search.fill('')
  await expect(items).toHaveCount(PROMPTS.length)

  const titles = await items.evaluateAll((els) => els.map((el) => el.getAttribute('title')))
  expect([...titles].sort()).toEqual([...PROMPTS].sort())
  await items.nth(1).click()
  const lightbox = page.getByTestId('lightbox')
  const prompt = page.getByTestId('lightbox-prompt')
  await expect(lightbox).toBeVisible()
  await expect(prompt).toHaveText(titles[1]!)
  await page.keyboard.press('ArrowRight')
  await expect(prompt).toHaveText(titles[2]!)
  await page.keyboard.press('ArrowRight')
  await expect(prompt).toHaveText(titles[3]!)
  await page.keyboard.press('ArrowLeft')
  await page.keyboard.press('ArrowLeft')
  await page.keyboard.press('ArrowLeft')
  await expect(prompt).toHaveText(titles[0]!)
  await expect(lightbox.getByText(`1 / ${PROMPTS.length}`)).toBeVisible()
  // Left of the first stays on the first.
  await page.keyboard.press('ArrowLeft')
  await expect(prompt).toHaveText(titles[0]!)

  // Zoom: + zooms in, 0 fits again; the wheel zooms too.
  const stage = page.getByTestId('zoom-stage')
  await page.keyboard.press('+')
  await expect(stage).not.toHaveAttribute('data-zoom', '1.00')
  await page.keyboard.press('0')
  await expect(stage).toHaveAttribute('data-zoom', '1.00')

  await page.keyboard.press('Escape')
  await expect(lightbox).toBeHidden()
  expect(problems).toEqual([])
})

test('F and 3 in the lightbox favourite and rate an item; both persist and filter the gallery', async ({ page }) => {
  const problems = watchProblems(page)
  await openGallery(page)
  const items = page.getByTestId('gallery-item')
  const target = items.nth(2)
  const assetId = await target.getAttribute('data-asset-id')
  const title = await target.getAttribute('title')

  await target.click()
  await expect(page.getByTestId('lightbox-prompt')).toHaveText(title!)
  await page.keyboard.press('f')
  await page.keyboard.press('3')
  await expect(page.getByTestId('lightbox-favorite')).toHaveAttribute('aria-pressed', 'true')
  await expect(page.getByTestId('lightbox-rating')).toHaveAttribute('data-rating', '3')
  await page.keyboard.press('Escape')
  const tile = page.locator(`[data-testid="gallery-item"][data-asset-id="${assetId}"]`)
  await expect(tile.getByTestId('tile-favorite')).toBeVisible()
  await expect(tile.getByTestId('tile-rating')).toHaveText('3')

  // Stored in main, not just on screen.
  await expect.poll(async () => (await app.call('listGallery', { favorite: true })).items.map((a) => a.id)).toEqual([Number(assetId)])

  await page.reload()
  await page.getByRole('tab', { name: 'Gallery' }).click()
  await expect(items).toHaveCount(PROMPTS.length)
  await expect(tile).toHaveAttribute('data-favorite', 'true')
  await expect(tile).toHaveAttribute('data-rating', '3')

  await page.getByRole('button', { name: 'Favourites' }).click()
  await expect(items).toHaveCount(1)
  await expect(items.first()).toHaveAttribute('data-asset-id', assetId!)
  await page.getByRole('button', { name: 'Favourites' }).click()
  await expect(items).toHaveCount(PROMPTS.length)

  const rating = page.getByLabel('Minimum rating')
  await rating.selectOption('3')
  await expect(items).toHaveCount(1)
  await expect(items.first()).toHaveAttribute('data-asset-id', assetId!)
  await rating.selectOption('4')
  await expect(items).toHaveCount(0)
  await expect(page.getByText('Nothing matches these filters.')).toBeVisible()
  await page.getByRole('button', { name: 'Clear filters' }).click()
  await expect(items).toHaveCount(PROMPTS.length)

  // On the grid: Ctrl-click two tiles, F favourites both, 5 rates both; the keys act on the selection.
  const others = (await items.evaluateAll((els) => els.map((el) => el.getAttribute('data-asset-id')))).filter((id) => id !== assetId).slice(0, 2)
  for (const id of others) await page.locator(`[data-testid="gallery-item"][data-asset-id="${id}"]`).click({ modifiers: ['ControlOrMeta'] })
  await expect(page.getByTestId('gallery-selection-count')).toHaveText('2 items selected')
  await page.keyboard.press('f')
  await page.keyboard.press('5')
  for (const id of others) {
    const t = page.locator(`[data-testid="gallery-item"][data-asset-id="${id}"]`)
    await expect(t).toHaveAttribute('data-favorite', 'true')
    await expect(t).toHaveAttribute('data-rating', '5')
  }
  await expect.poll(async () => (await app.call('listGallery', { minRating: 5 })).items.map((a) => String(a.id)).sort()).toEqual([...others].sort())
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('gallery-selection-count')).toBeHidden()
  expect(problems).toEqual([])
})

test('a file moved away on disk shows as a missing tile, and a rescan reports it', async ({ page }) => {
  const problems = watchProblems(page)
  const { items: newest } = await app.call('listGallery', { limit: 1 })
  const moved = newest[0]
  renameSync(moved.path, `${moved.path}.moved`)

  await openGallery(page)
  const missing = page.locator('[data-testid="gallery-item"][data-missing="true"]')
  await expect(missing).toHaveCount(1)
  await expect(missing).toHaveAttribute('data-asset-id', String(moved.id))
  await expect(missing).toContainText('missing')
  await expect(missing.locator('img')).toHaveCount(0)
  // The other tiles still show their pictures.
  await expect.poll(() => page.locator('[data-testid="gallery-item"][data-missing="false"] img').count()).toBe(PROMPTS.length - 1)

  await missing.click()
  await expect(page.getByTestId('lightbox')).toContainText('File missing on disk')
  await page.keyboard.press('ArrowRight')
  await expect(page.getByTestId('lightbox-prompt')).not.toHaveText(moved.prompt)
  await page.keyboard.press('Escape')

  await page.getByRole('button', { name: 'Rescan library' }).click()
  await expect(page.locator('.toast-message', { hasText: `Rescanned ${PROMPTS.length} files: 1 missing on disk` })).toBeVisible()

  renameSync(`${moved.path}.moved`, moved.path)
  await page.getByRole('button', { name: 'Rescan library' }).click()
  await expect(page.locator('.toast-message', { hasText: `Rescanned ${PROMPTS.length} files: none missing` })).toBeVisible()
  await expect(missing).toHaveCount(0)
  expect(problems).toEqual([])
})

// Last: it adds a job (and, once done, a gallery item) that the tests above do not expect.
test("re-queue from the lightbox: the model follows the provider, and an upscale takes this picture as its input, not the image model's size", async ({
  page
}) => {
  const problems = watchProblems(page)
  await openGallery(page)
  const target = page.getByTestId('gallery-item').first()
  const prompt = (await target.getAttribute('title'))!
  await target.click()
  const assetId = Number(await page.getByTestId('lightbox').getAttribute('data-asset-id'))
  await page.getByRole('button', { name: 'Re-queue…' }).click()
  const picker = page.getByRole('form', { name: 'Queue this prompt again' })
  // It starts on the model that made this result.
  await expect(picker.getByLabel('Provider')).toHaveValue('demo')
  await expect(picker.getByLabel('Model')).toHaveValue('images')
  // Another provider: its first model of the same kind (an image), one of Wonda's own model ids.
  await picker.getByLabel('Provider').selectOption('wondercat')
  await expect(picker.getByLabel('Model')).toHaveValue('nano-banana-2')
  await expect(picker.getByLabel('Model').locator('option', { hasText: 'Nano Banana 2 · image' })).toHaveCount(1)
  await picker.getByLabel('Provider').selectOption('demo')
  await expect(picker.getByLabel('Model')).toHaveValue('images')
  await picker.getByLabel('Model').selectOption('upscales')
  await expect(picker.getByText('This picture is the input')).toBeVisible()
  await picker.getByRole('button', { name: 'Queue', exact: true }).click()
  await expect(page.locator('.toast-message', { hasText: 'Queued again on Demo' })).toBeVisible()
  await expect(picker).toBeHidden()

  const { jobs } = await app.call('listJobs', { limit: 1 })
  expect(jobs[0]).toMatchObject({ prompt, provider: 'demo', model: 'upscales', kind: 'upscale' })
  expect(jobs[0].inputs).toEqual([expect.objectContaining({ assetId })])
  expect(jobs[0].params).not.toHaveProperty('width')
  expect(jobs[0].params).not.toHaveProperty('quality')
  expect(problems).toEqual([])
})
