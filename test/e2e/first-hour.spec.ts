// What a new user tripped over in their first hour (issue 18), walked in Debian's Chromium against
// `npm run headless` on the Demo: one queue action is one batch, CSV errors point at the right line and
// count every line left out, the queue's selection follows its filter, and the small things (one name per
// model, Enter into the drawer, the composer's model kept over a reload).
import { expect, test, type Page } from '@playwright/test'
import { pageProblems, startHeadlessApp, type HeadlessApp } from './headless-app'

let app: HeadlessApp | undefined
let problems: string[]

async function open(page: Page, demo: { durationMs: number; failureRate: number }): Promise<HeadlessApp> {
  app = await startHeadlessApp({ demo })
  problems = pageProblems(page)
  await page.goto(app.url)
  await expect(page.getByText('Live', { exact: true })).toBeVisible()
  return app
}

test.afterEach(async ({ page }) => {
  const seen = [...problems]
  await page.close()
  await app?.stop()
  app = undefined
  expect(seen).toEqual([])
})

const rows = (page: Page) => page.getByTestId('job-row')
const toasts = (page: Page, text: RegExp) => page.getByRole('status').filter({ hasText: text })
/** The batch filter's choices, besides "All batches". */
const batchOptions = async (page: Page) => (await page.getByLabel('Filter by batch').locator('option').allInnerTexts()).filter((o) => o !== 'All batches')

test('item 3: one queue action is one batch, whatever its calls, with one "finished" toast counting every job', async ({ page }) => {
  const a = await open(page, { durationMs: 800, failureRate: 0 })
  // Toasts go away after a while: note every "finished" one as it comes.
  await page.evaluate(() => {
    const seen: string[] = ((window as unknown as { finishedToasts: string[] }).finishedToasts = [])
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('[role="status"]')) {
        const text = el.textContent ?? ''
        if (/finished/.test(text) && !el.hasAttribute('data-noted')) {
          el.setAttribute('data-noted', '')
          seen.push(text)
        }
      }
    }).observe(document.body, { childList: true, subtree: true, characterData: true })
  })
  const finishedToasts = () => page.evaluate(() => (window as unknown as { finishedToasts: string[] }).finishedToasts)
  // Two models are two queue calls (a call has one model): still one batch.
  await page.getByLabel('Prompts').fill('a quiet harbour\na neon alley\na red barn')
  await page.getByRole('button', { name: 'Choose models' }).click()
  await page.getByRole('checkbox', { name: /^Demo · Video/ }).check()
  const png = Buffer.from(
    await page.evaluate(() => Object.assign(document.createElement('canvas'), { width: 8, height: 8 }).toDataURL('image/png').split(',')[1]),
    'base64'
  )
  await page.getByLabel('Choose input file').setInputFiles({ name: 'start.png', mimeType: 'image/png', buffer: png })
  await page.getByLabel('Batch name').fill('Two models')
  await expect(page.getByTestId('job-preview')).toHaveText('3 prompts × 2 models × 1 variation = 6 jobs')
  await page.getByRole('button', { name: 'Queue', exact: true }).click()
  await expect(rows(page)).toHaveCount(6)
  await expect.poll(() => batchOptions(page)).toEqual([expect.stringMatching(/^Two models · 6/)])
  await expect(toasts(page, /Batch “Two models” finished: 6 done/)).toBeVisible({ timeout: 60_000 })

  // A CSV import whose rows make two groups (two counts): one batch named after the file, one toast.
  await page.getByLabel('Batch name').fill('')
  const csv = ['prompt,model,count', 'a red kite,Image,1', 'a blue kite,images,2'].join('\n')
  await page.getByLabel('Import prompt file').setInputFiles({ name: 'kites.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  const review = page.getByTestId('import-review')
  await expect(review.getByTestId('import-summary')).toContainText('2 good rows → 3 jobs')
  await review.getByTestId('import-queue').click()
  await expect(review).toBeHidden()
  await expect(rows(page)).toHaveCount(9)
  await expect.poll(() => batchOptions(page)).toEqual([expect.stringMatching(/^kites · 3/), expect.stringMatching(/^Two models · 6/)])
  await expect(toasts(page, /Batch “kites” finished: 3 done/)).toBeVisible({ timeout: 60_000 })
  // One folder per batch: every file of the import is in the same one.
  const { items } = await a.call('listGallery', { limit: 100 })
  const folders = new Set(items.filter((i) => i.batchName === 'kites').map((i) => i.path.replace(/[\\/][^\\/]+$/, '')))
  expect(folders.size).toBe(1)
  // Exactly one toast per queue action, each counting all of its jobs.
  await page.waitForTimeout(1000)
  expect(await finishedToasts()).toEqual([
    expect.stringContaining('Batch “Two models” finished: 6 done'),
    expect.stringContaining('Batch “kites” finished: 3 done')
  ])
})

test('item 4: an unclosed quote is pointed at where it opened, the row after it is kept, and every line left out is counted', async ({ page }) => {
  await open(page, { durationMs: 800, failureRate: 0 })
  const csv = ['prompt,model', 'a fox,Image', 'an owl,image', 'a hen,IMAGES', '"a cat,Image', '"a dog",Image'].join('\n')
  await page.getByLabel('Import prompt file').setInputFiles({ name: 'animals.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  const review = page.getByTestId('import-review')
  const listed = review.getByTestId('import-problems').locator('li')
  await expect(listed).toHaveCount(1)
  await expect(listed).toContainText('line 5: the quote opened on this line is never closed')
  await expect(review.getByTestId('import-summary')).toContainText('4 good rows → 4 jobs')
  await expect(review.getByTestId('import-summary')).toContainText('1 line not queued')
  await review.getByTestId('import-queue').click()
  await expect(review).toBeHidden()
  await expect(rows(page)).toHaveCount(4)
  expect((await rows(page).locator('.prompt-text').allInnerTexts()).sort()).toEqual(['a dog', 'a fox', 'a hen', 'an owl'])
})

test('item 5: a retried job leaves the selection with the "failed" view; a status chip switches, Ctrl-click adds', async ({ page }) => {
  await open(page, { durationMs: 300, failureRate: 1 })
  await page.getByLabel('Prompts').fill(['one', 'two', 'three', 'four', 'five', 'six'].join('\n'))
  await page.getByRole('button', { name: 'Queue', exact: true }).click()
  await expect(page.locator('[data-testid="job-row"][data-status="failed"]')).toHaveCount(6, { timeout: 60_000 })
  await app!.call('updateSettings', { demo: { durationMs: 30_000 } })

  const chips = page.getByRole('group', { name: 'Filter by status' })
  await chips.getByRole('button', { name: /^failed/ }).click()
  await expect(chips.getByRole('button', { name: /^failed/ })).toHaveAttribute('aria-pressed', 'true')
  await rows(page).first().click()
  await rows(page)
    .last()
    .click({ modifiers: ['Shift'] })
  await page.getByRole('button', { name: 'Close details' }).click()
  const bar = page.getByTestId('bulk-bar')
  await expect(bar).toContainText('6 jobs selected')

  await page.getByRole('button', { name: 'Retry selected jobs' }).click()
  await expect(toasts(page, /Retrying 6 jobs/)).toBeVisible()
  await expect(page.getByText('No jobs match this filter.')).toBeVisible()
  // None of them is shown, so none stays selected, and nothing is left to delete.
  await expect(bar).not.toContainText('selected')
  await expect(page.getByRole('button', { name: 'Delete selected jobs' })).toHaveCount(0)

  // A click on a chip switches to that status; Ctrl-click adds one to those shown.
  await chips.getByRole('button', { name: /^all/ }).click()
  await rows(page).first().click()
  await page.getByRole('button', { name: 'Cancel job' }).click()
  await expect(rows(page).first()).toHaveAttribute('data-status', 'canceled')
  await page.getByRole('button', { name: 'Close details' }).click()
  const pressed = chips.locator('[aria-pressed="true"]')
  await chips.getByRole('button', { name: /^canceled/ }).click()
  await expect(pressed).toHaveText([/^canceled/])
  await expect(rows(page)).toHaveCount(1)
  await chips
    .getByRole('button', { name: /^(queued|submitting|running) / })
    .first()
    .click()
  await expect(pressed).toHaveCount(1)
  await expect(pressed).not.toHaveText([/^canceled/])
  await expect(rows(page).and(page.locator('[data-status="canceled"]'))).toHaveCount(0)
  await chips.getByRole('button', { name: /^canceled/ }).click({ modifiers: ['Control'] })
  await expect(pressed).toHaveCount(2)
  await expect(rows(page).and(page.locator('[data-status="canceled"]'))).toHaveCount(1)
  await expect.poll(() => rows(page).count()).toBeGreaterThan(1)
})

test('item 12: Enter on a job moves focus into its drawer', async ({ page }) => {
  await open(page, { durationMs: 30_000, failureRate: 0 })
  await page.getByLabel('Prompts').fill('a lantern\na harbour')
  await page.getByRole('button', { name: 'Queue', exact: true }).click()
  await expect(rows(page)).toHaveCount(2)
  await page.getByRole('grid').focus()
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('Enter')
  const drawer = page.getByRole('complementary', { name: 'Job details' })
  await expect(drawer).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(drawer.getByRole('button', { name: 'Close details' })).toBeFocused()
})

test('item 12: one name per model in the picker, the queue row, the filter and the drawer; the composer keeps its models over a reload', async ({ page }) => {
  await open(page, { durationMs: 30_000, failureRate: 0 })
  await page.getByRole('button', { name: 'Choose models' }).click()
  await page.getByRole('checkbox', { name: /^Demo · Video/ }).check()
  await page.getByRole('checkbox', { name: 'Demo · Image', exact: true }).uncheck()
  const videoName = (await page.getByTestId('model-chip').innerText()).replace(/^Demo · /, '')
  expect(videoName).toMatch(/^Video/)

  await page.reload()
  await expect(page.getByText('Live', { exact: true })).toBeVisible()
  await expect(page.getByTestId('model-chip')).toHaveText([`Demo · ${videoName}`])

  const png = Buffer.from(
    await page.evaluate(() => Object.assign(document.createElement('canvas'), { width: 8, height: 8 }).toDataURL('image/png').split(',')[1]),
    'base64'
  )
  await page.getByLabel('Choose input file').setInputFiles({ name: 'start.png', mimeType: 'image/png', buffer: png })
  await page.getByLabel('Prompts').fill('waves roll in')
  await page.getByRole('button', { name: 'Queue', exact: true }).click()
  await expect(rows(page)).toHaveCount(1)
  await expect(rows(page).first().locator('.cell-provider')).toHaveText(`Demo${videoName}`)
  await page.getByLabel('Filter by provider').selectOption('demo')
  await expect(page.getByLabel('Filter by model').locator('option', { hasText: videoName })).toHaveText(videoName)
  await rows(page).first().click()
  const drawer = page.getByRole('complementary', { name: 'Job details' })
  await expect(drawer.locator('dt', { hasText: 'Model' }).locator('+ dd')).toHaveText(videoName)
})

/** Form controls with no accessible name (what a screen reader would call "edit text" and nothing more). */
const unnamedControls = (page: Page, within: string) =>
  page.evaluate((selector) => {
    const root = document.querySelector(selector)!
    return [...root.querySelectorAll('input, select, textarea')]
      .filter((el) => (el as HTMLInputElement).type !== 'hidden' && (el as HTMLElement).offsetParent !== null)
      .filter((el) => {
        const labelled = el
          .getAttribute('aria-labelledby')
          ?.split(/\s+/)
          .some((id) => document.getElementById(id)?.textContent?.trim())
        return !el.getAttribute('aria-label')?.trim() && !labelled && !(el as HTMLInputElement).labels?.length
      })
      .map((el) => el.outerHTML.slice(0, 160))
  }, within)

test('item 12: every composer control has a name; the gallery marks from a tile and its date filters are one Tab stop each', async ({ page }) => {
  await open(page, { durationMs: 300, failureRate: 0 })
  await page.getByRole('button', { name: 'Choose models' }).click()
  expect(await unnamedControls(page, 'aside[aria-label="Composer"]')).toEqual([])
  await page.getByRole('radio', { name: 'Seeds' }).check()
  expect(await unnamedControls(page, 'aside[aria-label="Composer"]')).toEqual([])
  await page.getByRole('radio', { name: 'Count' }).check()

  await page.getByLabel('Prompts').fill('a red door')
  await page.getByRole('button', { name: 'Queue', exact: true }).click()
  await expect(page.locator('[data-testid="job-row"][data-status="done"]')).toHaveCount(1, { timeout: 60_000 })
  await page.getByRole('tab', { name: /Gallery/ }).click()
  const tile = page.getByTestId('gallery-item').first()
  await expect(tile).toBeVisible()
  await tile.hover()
  const heart = tile.getByRole('button', { name: 'Favourite', exact: true })
  await expect(heart).toHaveAttribute('aria-pressed', 'false')
  await heart.click()
  await expect(tile).toHaveAttribute('data-favorite', 'true')
  await expect(heart).toHaveAttribute('aria-pressed', 'true')
  await tile.getByRole('button', { name: 'Rate 4 of 5' }).click()
  await expect(tile).toHaveAttribute('data-rating', '4')
  // Marking from the tile does not open the lightbox.
  await expect(page.getByRole('dialog')).toHaveCount(0)

  await page.getByLabel('From date').focus()
  await page.keyboard.press('Tab')
  await expect(page.getByLabel('To date')).toBeFocused()
  const today = new Date()
  const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`
  await page.getByLabel('From date').fill(day)
  await expect(page.getByTestId('gallery-item')).toHaveCount(1)
  await page.getByLabel('From date').fill('2999-01-01')
  await expect(page.getByTestId('gallery-item')).toHaveCount(0)
})
