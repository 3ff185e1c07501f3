// Input pictures on the Demo, in Debian's Chromium against `npm run headless`: a generated picture handed to
// the composer from the Gallery ("Use as input") and upscaled and edited; Queue held back, with its reason,
// while a model lacks its input; a file picked from disk and one dropped on Input; a typed-in model id with
// its generic fields and a JSON box that refuses what is not a flat JSON object.
import { expect, test, type Page } from '@playwright/test'
import { rmSync } from 'node:fs'
import { pageProblems, startHeadlessApp, type HeadlessApp } from './headless-app'

let app: HeadlessApp
let problems: string[]

/** Where the screenshots of these walks go, for a person to look at. */
const SHOTS = process.env.E2E_SHOTS

test.beforeEach(async ({ page }) => {
  app = await startHeadlessApp({ demo: { durationMs: 600, failureRate: 0 } })
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

const composer = (page: Page) => page.getByRole('complementary', { name: 'Composer' })
const queueButton = (page: Page) => composer(page).getByRole('button', { name: 'Queue', exact: true })
const inputArea = (page: Page) => composer(page).getByRole('group', { name: 'Input' })
const doneRows = (page: Page) => page.locator('[data-testid="job-row"][data-status="done"]')

async function chooseOnly(page: Page, models: string[]): Promise<void> {
  await composer(page).getByRole('button', { name: 'Choose models' }).click()
  const options = composer(page).locator('.model-options')
  for (const box of await options.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck()
  for (const name of models) await options.getByRole('checkbox', { name, exact: true }).check()
  await composer(page).getByRole('button', { name: 'Done' }).click()
}

/** A tiny real PNG (the app checks inputs by their bytes). */
async function pngBytes(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(() => {
    const canvas = document.createElement('canvas')
    canvas.width = 24
    canvas.height = 16
    const ctx = canvas.getContext('2d')!
    ctx.fillStyle = '#c84'
    ctx.fillRect(0, 0, 24, 16)
    return canvas.toDataURL('image/png').split(',')[1]
  })
  return Buffer.from(base64, 'base64')
}

test('a generated picture from the Gallery, "Use as input", then upscaled and edited on the Demo: the new jobs list it as their input', async ({ page }) => {
  await composer(page).getByLabel('Prompts').fill('a red fox in the snow')
  await queueButton(page).click()
  await expect(doneRows(page)).toHaveCount(1, { timeout: 60_000 })

  await page.getByRole('tab', { name: 'Gallery' }).click()
  const tile = page.getByTestId('gallery-item')
  await expect(tile).toHaveCount(1)
  const assetId = Number(await tile.getAttribute('data-asset-id'))
  await tile.click({ modifiers: ['ControlOrMeta'] })
  await expect(page.getByTestId('gallery-selection-count')).toHaveText('1 item selected')
  await page.getByRole('button', { name: 'Use as input' }).click()

  // The queue view comes up, and the composer shows the picture as its input.
  await expect(page.getByRole('tab', { name: 'Queue' })).toHaveAttribute('aria-selected', 'true')
  await expect(page.locator('.toast-message', { hasText: 'Added 1 input to the composer' })).toBeVisible()
  await expect(inputArea(page).getByRole('list', { name: 'Chosen inputs' }).getByRole('listitem')).toHaveCount(1)
  await expect(inputArea(page).getByRole('img', { name: 'a red fox in the snow' })).toBeVisible()

  await chooseOnly(page, ['Demo · Upscale', 'Demo · Image edit'])
  await composer(page).getByLabel('Prompts').fill('sharper, in winter light')
  await expect(composer(page).getByTestId('job-preview')).toContainText('1 prompt × 2 models × 1 variation = 2 jobs')
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/inputs-composer.png` })
  await queueButton(page).click()
  await expect(page.locator('.toast-message', { hasText: 'Queued 2 jobs' })).toBeVisible()
  await expect(doneRows(page)).toHaveCount(3, { timeout: 60_000 })

  const { jobs } = await app.call('listJobs', { limit: 2 })
  expect(jobs.map((j) => j.kind).sort()).toEqual(['edit', 'upscale'])
  for (const job of jobs) expect(job.inputs).toEqual([expect.objectContaining({ assetId })])

  // The upscale's drawer lists its input, linking to the gallery item.
  await page.getByTestId('job-row').filter({ hasText: 'sharper' }).filter({ hasText: 'Upscale' }).click()
  const drawer = page.getByTestId('job-drawer')
  const inputs = drawer.getByRole('list', { name: 'Input files' })
  await expect(inputs.getByRole('link', { name: `Gallery item ${assetId}` })).toBeVisible()
  await expect(drawer.locator('.drawer-assets img')).toHaveCount(1)
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/inputs-drawer.png` })

  // Two new gallery items, made from the first.
  await page.getByRole('tab', { name: 'Gallery' }).click()
  await expect(page.getByTestId('gallery-item')).toHaveCount(3)
})

test('Queue is held back, with the reason, while a model lacks its input; a file chosen or dropped on Input is one', async ({ page }) => {
  await chooseOnly(page, ['Demo · Upscale'])
  await composer(page).getByLabel('Prompts').fill('crisp')
  await expect(queueButton(page)).toBeDisabled()
  await expect(composer(page).getByRole('alert')).toHaveText(
    'Demo · Upscale needs an input image: choose a file, drop one on Input, or use a gallery item (“Use as input”).'
  )

  const png = await pngBytes(page)
  await inputArea(page).getByLabel('Choose input file').setInputFiles({ name: 'sketch.png', mimeType: 'image/png', buffer: png })
  await expect(inputArea(page).getByRole('img', { name: 'sketch.png' })).toBeVisible()
  await expect(queueButton(page)).toBeEnabled()
  await expect(composer(page).getByRole('alert')).toHaveCount(0)

  // Removing it holds Queue back again; dropping the file on Input brings it back.
  await inputArea(page).getByRole('button', { name: 'Remove input sketch.png' }).click()
  await expect(queueButton(page)).toBeDisabled()
  const drop = await page.evaluateHandle((b64) => {
    const data = new DataTransfer()
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
    data.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }))
    return data
  }, png.toString('base64'))
  // Dragging over the window shows the prompt-file overlay; over Input it steps aside, and lets the drop through.
  await page.locator('#view-panel').dispatchEvent('dragover', { dataTransfer: drop })
  await expect(page.getByText('Drop a prompt file')).toBeVisible()
  const box = (await inputArea(page).boundingBox())!
  expect(
    await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('[data-testid="input-area"]') !== null, {
      x: box.x + box.width / 2,
      y: box.y + box.height / 2
    })
  ).toBe(true)
  await inputArea(page).dispatchEvent('dragover', { dataTransfer: drop })
  await expect(page.getByText('Drop a prompt file')).toBeHidden()
  await inputArea(page).dispatchEvent('drop', { dataTransfer: drop })
  await expect(inputArea(page).getByRole('img', { name: 'dropped.png' })).toBeVisible()
  // A drop on Input is an input, not a prompt file; a picture dropped elsewhere says where it goes.
  await expect(composer(page).getByLabel('Prompts')).toHaveValue('crisp')
  await page.locator('#view-panel').dispatchEvent('drop', { dataTransfer: drop })
  await expect(page.locator('.toast-message', { hasText: 'To start from a picture, drop it on the composer’s Input' })).toBeVisible()
  await expect(inputArea(page).getByRole('listitem')).toHaveCount(1)

  await queueButton(page).click()
  await expect(doneRows(page)).toHaveCount(1, { timeout: 60_000 })
  const { jobs } = await app.call('listJobs', { limit: 1 })
  expect(jobs[0].inputs).toHaveLength(1)
  expect(jobs[0].inputs[0].assetId).toBeUndefined()
  await page.getByTestId('job-row').first().click()
  await expect(page.getByTestId('job-drawer').getByRole('list', { name: 'Input files' })).toContainText(jobs[0].inputs[0].path)
})

test("a typed-in model id gets the generic fields and a JSON box; bad JSON holds Queue back; the provider's refusal shows on the job", async ({ page }) => {
  // A suggested model shows its boolean fields as checkboxes, with the API's surprising default stated.
  const watermark = composer(page).getByRole('checkbox', { name: 'Demo · Image Watermark' })
  await expect(watermark).not.toBeChecked()
  await expect(watermark).toHaveAccessibleDescription(/LetzAI's own default is a watermark on every image/)

  await composer(page).getByRole('button', { name: 'Choose models' }).click()
  const demo = composer(page).locator('.model-options fieldset').filter({ hasText: 'Demo' }).first()
  await demo.getByRole('button', { name: 'Other model id…' }).click()
  const other = composer(page).getByRole('group', { name: 'Demo: other model id' })
  await other.getByLabel('Demo model id').fill('flux9-turbo')
  await expect(other.getByLabel('Demo model kind').locator('option')).toHaveText(['image', 'video', 'edit', 'upscale'])
  await other.getByRole('button', { name: 'Add model' }).click()
  await composer(page).getByRole('checkbox', { name: 'Demo · Image', exact: true }).uncheck()
  await composer(page).getByRole('button', { name: 'Done' }).click()
  await expect(composer(page).getByTestId('model-chip')).toHaveText(['Demo · flux9-turbo'])

  // Its fields: the provider's generic ones, and the JSON box.
  await expect(composer(page).getByLabel('Demo · flux9-turbo Width')).toHaveValue('1600')
  await expect(composer(page).getByRole('checkbox', { name: 'Demo · flux9-turbo Watermark' })).not.toBeChecked()
  const json = composer(page).getByLabel('Demo · flux9-turbo extra parameters (JSON)')
  await composer(page).getByLabel('Prompts').fill('a glass city')
  await json.fill('{"quality": 3,')
  await expect(queueButton(page)).toBeDisabled()
  await expect(composer(page).getByRole('alert')).toContainText('Demo · flux9-turbo: Extra parameters are not valid JSON')
  await json.fill('["quality"]')
  await expect(composer(page).getByRole('alert')).toContainText('Extra parameters must be a JSON object')
  await json.fill('{"settings": {"x": 1}}')
  await expect(composer(page).getByRole('alert')).toContainText('Extra parameter “settings” must be a string, number or true/false')
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/inputs-typed-model.png` })
  await json.fill('{"quality": 3}')
  await expect(queueButton(page)).toBeEnabled()
  await queueButton(page).click()

  // The Demo speaks LetzAI, which takes a typed-in id as its baseModel; its simulator refuses an unknown
  // one as LetzAI does, and that refusal is the job's error, in words.
  const row = page.getByTestId('job-row').first()
  await expect(row).toHaveAttribute('data-status', 'failed', { timeout: 60_000 })
  const { jobs } = await app.call('listJobs', { limit: 1 })
  expect(jobs[0]).toMatchObject({ model: 'flux9-turbo', kind: 'image', params: { width: 1600, height: 1600, hasWatermark: false, quality: 3 } })
  expect(jobs[0].error).toContain('baseModel must be one of the following values')
  await row.click()
  await expect(page.getByTestId('job-drawer').getByRole('alert')).toContainText('baseModel must be one of the following values')
  await expect(page.getByTestId('job-drawer').getByRole('alert')).not.toContainText('{"')
})

test("main's refusal of an input reads as a sentence: a gallery picture deleted from disk before Queue", async ({ page }) => {
  await composer(page).getByLabel('Prompts').fill('a koi pond in the rain')
  await queueButton(page).click()
  await expect(doneRows(page)).toHaveCount(1, { timeout: 60_000 })
  await page.getByRole('tab', { name: 'Gallery' }).click()
  await page.getByTestId('gallery-item').click()
  await page.getByRole('dialog', { name: 'Preview' }).getByRole('button', { name: 'Use as input' }).click()
  await chooseOnly(page, ['Demo · Upscale'])

  const { items } = await app.call('listGallery', { limit: 1 })
  rmSync(items[0].path)
  await composer(page).getByLabel('Prompts').fill('larger')
  await queueButton(page).click()
  const alert = composer(page).getByRole('alert')
  await expect(alert).toContainText('Demo · Upscale: The input file is gone from disk')
  await expect(alert).not.toContainText('{')
  await expect(page.locator('.toast-message', { hasText: 'Could not queue' })).toBeVisible()
  // Nothing was queued, and the prompt stays for another try.
  await expect(page.getByTestId('job-row')).toHaveCount(1)
  await expect(composer(page).getByLabel('Prompts')).toHaveValue('larger')
  // The refused call's HTTP 400 is logged by the browser itself; nothing else went wrong.
  problems = problems.filter((p) => p !== 'Failed to load resource: the server responded with a status of 400 (Bad Request)')
})
