// The composer in Debian's Chromium against `npm run headless`: a CSV import with a bad row (reviewed, then
// only the good rows queued), a prompt matrix across models and variations, and a .txt file dropped on
// the window.
import { expect, test, type Page } from '@playwright/test'
import { pageProblems, startHeadlessApp, type HeadlessApp } from './headless-app'
import { startE2ESimulator, type E2ESimulator } from './simulator'

let app: HeadlessApp
let problems: string[]
/** A simulated provider a test points the app at (only the seeds test). */
let sim: E2ESimulator | undefined

test.beforeEach(async ({ page }) => {
  app = await startHeadlessApp({ demo: { durationMs: 1500, failureRate: 0 } })
  problems = pageProblems(page)
  await page.goto(app.url)
  await expect(page.getByText('Live', { exact: true })).toBeVisible()
})

test.afterEach(async ({ page }) => {
  // Close the page first: a page left open would log the event stream dropping as the app stops.
  const seen = [...problems]
  await page.close()
  await app?.stop()
  await sim?.close()
  sim = undefined
  expect(seen).toEqual([])
})

const rows = (page: Page) => page.getByTestId('job-row')
const prompts = (page: Page) => rows(page).locator('.prompt-text').allInnerTexts()

test('a CSV with a bad row: the bad row is listed by line, the good rows are queued only after confirming', async ({ page }) => {
  const csv = [
    'prompt,provider,model,count',
    'a red balloon,demo,images,2',
    '"a blue kite, at noon",,,',
    'a green frog,foo,,1',
    'a yellow sun,demo,images,1'
  ].join('\n')
  await page.getByLabel('Import prompt file').setInputFiles({ name: 'kites.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })

  const review = page.getByTestId('import-review')
  await expect(review).toBeVisible()
  await expect(review.getByTestId('import-problems')).toContainText('line 4: unknown provider "foo"')
  await expect(review.getByTestId('import-problems').locator('li')).toHaveCount(1)
  await expect(review.getByTestId('import-summary')).toContainText('3 good rows → 4 jobs')
  await expect(review.getByTestId('import-summary')).toContainText('1 line not queued')
  // Nothing has been queued while the user looks at it.
  await page.waitForTimeout(300)
  await expect(rows(page)).toHaveCount(0)

  await review.getByTestId('import-queue').click()
  await expect(review).toBeHidden()
  await expect(rows(page)).toHaveCount(4)
  expect((await prompts(page)).sort()).toEqual(['a blue kite, at noon', 'a red balloon', 'a red balloon', 'a yellow sun'])
  // The batch is named after the file.
  await expect(rows(page).first().locator('.prompt-batch')).toHaveText('kites')
  await expect(page.locator('[data-testid="job-row"][data-status="done"]')).toHaveCount(4, { timeout: 60_000 })
})

test('a CSV can be dropped without queueing anything: cancel to fix the file', async ({ page }) => {
  const csv = 'prompt,count\nfine,1\nbroken,500\n'
  await page.getByLabel('Import prompt file').setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  const review = page.getByTestId('import-review')
  await expect(review.getByTestId('import-problems')).toContainText('line 3: count must be a whole number from 1 to 100')
  await review.getByRole('button', { name: 'Cancel and fix the file' }).click()
  await expect(review).toBeHidden()
  await page.waitForTimeout(300)
  await expect(rows(page)).toHaveCount(0)
})

test('a prompt matrix: 2 prompts × 2 demo models × 2 variations is 8 jobs', async ({ page }) => {
  await page.getByLabel('Prompts').fill('a quiet harbour\na neon alley')
  await page.getByRole('button', { name: 'Choose models' }).click()
  await page.getByRole('checkbox', { name: 'Demo · Video (from a picture)' }).check()
  await expect(page.getByTestId('model-chip')).toHaveText(['Demo · Image', 'Demo · Video (from a picture)'])
  // The video starts from a picture (the image model makes its own from the prompt alone).
  await expect(page.getByRole('button', { name: 'Queue', exact: true })).toBeDisabled()
  const png = Buffer.from(
    await page.evaluate(() => Object.assign(document.createElement('canvas'), { width: 8, height: 8 }).toDataURL('image/png').split(',')[1]),
    'base64'
  )
  await page.getByLabel('Choose input file').setInputFiles({ name: 'start.png', mimeType: 'image/png', buffer: png })
  await expect(page.getByRole('group', { name: 'Input' }).getByRole('img', { name: 'start.png' })).toBeVisible()
  await page.getByLabel('Count per prompt').fill('2')
  await page.getByLabel('Batch name').fill('Matrix run')
  await expect(page.getByTestId('job-preview')).toHaveText('2 prompts × 2 models × 2 variations = 8 jobs')

  await page.getByRole('button', { name: 'Queue', exact: true }).click()
  await expect(rows(page)).toHaveCount(8)
  const cells = await rows(page).locator('.cell-provider').allInnerTexts()
  // The row names each model as the picker does.
  expect(cells.filter((c) => c.includes('Image'))).toHaveLength(4)
  expect(cells.filter((c) => c.includes('Video'))).toHaveLength(4)
  const { jobs } = await app.call('listJobs', { limit: 8 })
  for (const job of jobs) expect(job.inputs).toHaveLength(job.model === 'videos' ? 1 : 0)
  await expect(rows(page).locator('.prompt-batch').first()).toHaveText('Matrix run')
  await expect(page.getByLabel('Prompts')).toHaveValue('')
})

test('seeds as variations: one job per seed, each drawer showing its seed; a model that takes no seed is refused in words', async ({ page }) => {
  // The Demo speaks LetzAI, which has no seed field: seeds for it are refused before anything is queued.
  await page.getByLabel('Prompts').fill('a paper crane')
  await page.getByRole('radio', { name: 'Seeds' }).check()
  await page.getByLabel('Seed list').fill('7, 8, 9')
  await expect(page.getByText('one job per seed, sent as the model’s Seed')).toBeVisible()
  await expect(page.getByRole('complementary', { name: 'Composer' }).getByRole('alert')).toHaveText(
    'Demo · Image takes no seed: choose Count instead (each variation is a new picture).'
  )
  await expect(page.getByRole('button', { name: 'Queue', exact: true })).toBeDisabled()

  // BFL takes one: the app pointed at a simulated BFL, as a user points it at the real service.
  await page.close()
  await app.stop()
  sim = await startE2ESimulator({ durationMs: 300, failureRate: 0, keys: { bfl: 'e2e-bfl-key' } })
  app = await startHeadlessApp({ demo: { durationMs: 1500, failureRate: 0 } }, { env: { BFL_BASE_URL: sim.baseUrl('bfl'), BFL_API_KEY: 'e2e-bfl-key' } })
  const seeded = await page.context().newPage()
  seeded.on('pageerror', (err) => problems.push(err.message))
  await seeded.goto(app.url)
  await seeded.getByRole('button', { name: 'Choose models' }).click()
  await seeded.getByRole('checkbox', { name: 'Demo · Image', exact: true }).uncheck()
  await seeded.getByRole('checkbox', { name: 'BFL · FLUX.2 [pro]', exact: true }).check()
  await seeded.getByRole('button', { name: 'Done' }).click()
  await seeded.getByLabel('Prompts').fill('a paper crane')
  await seeded.getByRole('radio', { name: 'Seeds' }).check()
  await seeded.getByLabel('Seed list').fill('7, 8, 9')
  await expect(seeded.getByTestId('job-preview')).toHaveText('1 prompt × 1 model × 3 seeds = 3 jobs')
  await seeded.getByRole('button', { name: 'Queue', exact: true }).click()
  await expect(seeded.locator('[data-testid="job-row"][data-status="done"]')).toHaveCount(3, { timeout: 60_000 })
  const seen: string[] = []
  for (const row of await seeded.getByTestId('job-row').all()) {
    await row.click()
    seen.push(await seeded.getByTestId('job-drawer').locator('dt:text-is("Seed") + dd').innerText())
    await seeded.getByRole('button', { name: 'Close details' }).click()
  }
  expect(seen.sort()).toEqual(['7', '8', '9'])
  await seeded.close()
})

test('a .txt file dropped on the window fills the prompts', async ({ page }) => {
  await page.evaluate(() => {
    const data = new DataTransfer()
    data.items.add(new File(['a dropped moon\n\na dropped star\n# a comment line\na dropped comet\n'], 'dropped.txt', { type: 'text/plain' }))
    const target = document.getElementById('view-panel')!
    for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }))
  })
  // The CLI's rules for .txt files: blank lines and "#" comments are not prompts.
  await expect(page.getByLabel('Prompts')).toHaveValue('a dropped moon\na dropped star\na dropped comet')
  await expect(page.getByTestId('job-preview')).toHaveText('3 prompts × 1 model × 1 variation = 3 jobs')
  await page.getByRole('button', { name: 'Queue', exact: true }).click()
  await expect(rows(page)).toHaveCount(3)
})

test('a 20,000-line paste is held as a list beside the text box, and queued in full', async ({ page }) => {
  await page.getByLabel('Prompts').fill('one typed prompt')
  await page.getByLabel('Prompts').evaluate((el) => {
    const data = new DataTransfer()
    data.setData('text/plain', Array.from({ length: 20_000 }, (_, i) => `pasted prompt ${i + 1}`).join('\n'))
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  })
  await expect(page.getByTestId('prompt-list')).toContainText('20,000 prompts from the clipboard')
  // The text box keeps only what was typed.
  await expect(page.getByLabel('Prompts')).toHaveValue('one typed prompt')
  await expect(page.getByTestId('job-preview')).toHaveText('20,001 prompts × 1 model × 1 variation = 20,001 jobs')
  await page.getByRole('button', { name: 'Queue', exact: true }).click()
  await expect(page.getByTestId('prompt-list')).toBeHidden({ timeout: 60_000 })
  await expect(page.getByTestId('bulk-bar')).toContainText('20,001 jobs', { timeout: 30_000 })
  await expect(rows(page).first().locator('.prompt-text')).toHaveText('one typed prompt')
})
