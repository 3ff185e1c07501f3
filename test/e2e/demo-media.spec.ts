// The Demo's results are real media (issue 18, items 2, 7 and 8), walked in Debian's Chromium against
// `npm run headless`: a video job's tile shows a frame and its lightbox plays it; Count = 2 at 1024×1024 gives
// two different 1024×1024 pictures, each drawer saying what its seed is; the Demo fails nothing unless asked,
// and its settings say so in percent.
import { readFileSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import sharp from 'sharp'
import { pageProblems, startHeadlessApp, type HeadlessApp } from './headless-app'

const SHOTS = process.env.E2E_SHOTS
let app: HeadlessApp | undefined
let problems: string[]

test.beforeEach(async ({ page }) => {
  // No failure rate given: the Demo's own default applies.
  app = await startHeadlessApp({ demo: { durationMs: 1500 } })
  problems = pageProblems(page)
  await page.setViewportSize({ width: 1400, height: 900 })
  await page.goto(app.url)
  await expect(page.getByText('Live', { exact: true })).toBeVisible()
})

test.afterEach(async ({ page }) => {
  const seen = [...problems]
  await page.close()
  await app?.stop()
  app = undefined
  expect(seen).toEqual([])
})

const composer = (page: Page) => page.getByRole('complementary', { name: 'Composer' })
const queueButton = (page: Page) => composer(page).getByRole('button', { name: 'Queue', exact: true })
const doneRows = (page: Page) => page.locator('[data-testid="job-row"][data-status="done"]')

async function chooseOnly(page: Page, model: RegExp): Promise<void> {
  await composer(page).getByRole('button', { name: 'Choose models' }).click()
  const options = composer(page).locator('.model-options')
  for (const box of await options.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck()
  await options.getByRole('checkbox', { name: model }).first().check()
  await composer(page).getByRole('button', { name: 'Done' }).click()
}

/** A small real PNG for a video to start from. */
async function pngBytes(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(() => {
    const canvas = document.createElement('canvas')
    canvas.width = 32
    canvas.height = 18
    const ctx = canvas.getContext('2d')!
    ctx.fillStyle = '#48c'
    ctx.fillRect(0, 0, 32, 18)
    return canvas.toDataURL('image/png').split(',')[1]
  })
  return Buffer.from(base64, 'base64')
}

test('item 2: a Demo video job finishes with a real video: its tile shows a frame, and the lightbox plays it', async ({ page }) => {
  await chooseOnly(page, /Video/)
  await composer(page)
    .getByRole('group', { name: 'Input' })
    .getByLabel('Choose input file')
    .setInputFiles({ name: 'start.png', mimeType: 'image/png', buffer: await pngBytes(page) })
  await composer(page).getByLabel('Prompts').fill('waves rolling onto a beach at dusk')
  await queueButton(page).click()
  await expect(doneRows(page)).toHaveCount(1, { timeout: 60_000 })

  await page.getByRole('tab', { name: 'Gallery' }).click()
  const tile = page.getByRole('gridcell', { name: 'waves rolling onto a beach at dusk' })
  const frame = tile.getByLabel('waves rolling onto a beach at dusk')
  // The tile's picture is the video's own frame, decoded: a size and data to show.
  await expect.poll(() => frame.evaluate((v: HTMLVideoElement) => (v.readyState >= 2 ? v.videoWidth : 0)), { timeout: 15_000 }).toBeGreaterThan(0)
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/demo-video-tile.png` })

  await tile.click()
  const lightbox = page.getByRole('dialog', { name: 'Preview' })
  await expect(lightbox.getByText('Could not load this file')).toHaveCount(0)
  // Its size is read from the file itself (the MP4's track header).
  await expect(lightbox.locator('dt:text-is("Dimensions") + dd')).toHaveText('320 × 180')
  const video = lightbox.locator('video')
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.duration || 0), { timeout: 15_000 }).toBeGreaterThan(1)
  const played = await video.evaluate(async (v: HTMLVideoElement) => {
    v.muted = true
    await v.play()
    await new Promise((r) => setTimeout(r, 700))
    return { readyState: v.readyState, currentTime: v.currentTime, width: v.videoWidth, height: v.videoHeight }
  })
  expect(played.readyState).toBeGreaterThanOrEqual(2)
  expect(played.currentTime).toBeGreaterThan(0.2)
  expect(played).toMatchObject({ width: 320, height: 180 })
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/demo-video-lightbox.png` })
})

test('item 7: Count = 2 at 1024×1024 makes two different 1024×1024 pictures, and each drawer says what its seed is', async ({ page }) => {
  await composer(page)
    .getByLabel(/ Width$/)
    .fill('1024')
  await composer(page)
    .getByLabel(/ Height$/)
    .fill('1024')
  await composer(page).getByLabel('Count per prompt').fill('2')
  await composer(page).getByLabel('Prompts').fill('a red fox in fresh snow')
  await queueButton(page).click()
  await expect(doneRows(page)).toHaveCount(2, { timeout: 60_000 })

  const { items } = await app!.call('listGallery', { limit: 10 })
  expect(items).toHaveLength(2)
  for (const item of items) {
    expect(item).toMatchObject({ width: 1024, height: 1024 })
    expect(await sharp(readFileSync(item.path)).metadata()).toMatchObject({ width: 1024, height: 1024 })
  }
  expect(items[0].sha256).not.toBe(items[1].sha256)

  // Each job's drawer: its file's size, and its seed in words (LetzAI, which the Demo speaks, takes none).
  const providerIds: string[] = []
  for (const row of await doneRows(page).all()) {
    await row.click()
    const drawer = page.getByRole('complementary', { name: 'Job details' })
    await expect(drawer.getByText(/^1024×1024 · /)).toBeVisible()
    const facts = drawer.locator('dl.facts').first()
    await expect(facts.locator('dt', { hasText: /^Seed$/ })).toBeVisible()
    await expect(facts.locator('dt:text-is("Seed") + dd')).toHaveText(/^None: Demo.* takes no seed, so each variation is a new picture/)
    providerIds.push(await facts.locator('dt:text-is("Provider job id") + dd').innerText())
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/demo-variation-drawer-${providerIds.length}.png` })
    await drawer.getByRole('button', { name: 'Close details' }).click()
  }
  expect(new Set(providerIds).size).toBe(2)

  // Two tiles, two different pictures on screen.
  await page.getByRole('tab', { name: 'Gallery' }).click()
  const thumbs = page.getByTestId('gallery-item').locator('img')
  await expect(thumbs).toHaveCount(2)
  await expect.poll(() => thumbs.evaluateAll((imgs: HTMLImageElement[]) => imgs.every((i) => i.naturalWidth > 0))).toBe(true)
  const [a, b] = await Promise.all([thumbs.nth(0).screenshot(), thumbs.nth(1).screenshot()])
  expect(a.equals(b)).toBe(false)

  // Seeds for a model that takes none are refused before anything is queued, in words.
  await page.getByRole('radio', { name: 'Seeds' }).check()
  await composer(page).getByLabel('Seed list').fill('1, 2')
  await expect(composer(page).getByText('one job per seed, sent as the model’s Seed')).toBeVisible()
  await expect(composer(page).getByRole('alert')).toContainText('takes no seed: choose Count instead')
  await expect(queueButton(page)).toBeDisabled()
})

test('item 8: the Demo fails nothing unless asked, and its settings say what the rate is for, in percent', async ({ page }) => {
  await page.getByRole('tab', { name: 'Settings' }).click()
  const rate = page.getByRole('spinbutton', { name: 'Demo jobs that fail on purpose' })
  await expect(rate).toHaveValue('0')
  await expect(rate).toHaveAccessibleDescription(/^Every Demo job succeeds\. Raise it to try what a failed job looks like/)
  await expect(page.getByText('% of Demo jobs')).toBeVisible()
  await rate.fill('0.5')
  await expect(rate).toHaveAccessibleDescription('About one Demo job in 200 fails on purpose, to try failed jobs and Retry. Did you mean 50 %?')
  await rate.fill('10')
  await expect(rate).toHaveAccessibleDescription('About one Demo job in 10 fails on purpose, to try failed jobs and Retry.')
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/demo-settings-failure-rate.png` })
  await page.getByRole('button', { name: 'Save settings' }).click()
  await expect.poll(async () => (await app!.call('getSettings', undefined)).demo.failureRate).toBe(0.1)
})
