// The queue grid in Debian's Chromium against `npm run headless`: filters and sorting, multi-select
// cancel and retry, the job detail drawer's history and raw response, re-queue and delete.
import { expect, test, type Page } from '@playwright/test'
import { startHeadlessApp, type HeadlessApp } from './headless-app'

const rows = (page: Page) => page.getByTestId('job-row')
const prompts = (page: Page) => rows(page).locator('.prompt-text').allInnerTexts()
const row = (page: Page, prompt: string) => rows(page).filter({ has: page.locator('.prompt-text', { hasText: new RegExp(`^${prompt}$`) }) })

async function queue(page: Page, lines: string[], batchName?: string): Promise<void> {
  await page.getByLabel('Prompts').fill(lines.join('\n'))
  if (batchName) await page.getByLabel('Batch name').fill(batchName)
  await page.getByRole('button', { name: 'Queue', exact: true }).click()
  await expect(page.getByLabel('Prompts')).toHaveValue('')
  if (batchName) await page.getByLabel('Batch name').fill('')
}

function watchErrors(page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (err) => problems.push(err.message))
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text())
  })
  return problems
}

test.describe('with long-running jobs', () => {
  let app: HeadlessApp
  test.beforeEach(async () => {
    app = await startHeadlessApp({ demo: { durationMs: 30_000, failureRate: 0 } })
  })
  test.afterEach(async ({ page }) => {
    await page.close()
    await app?.stop()
  })

  test('filter by status chip, text, batch and provider; sort by prompt both ways', async ({ page }) => {
    const problems = watchErrors(page)
    await page.goto(app.url)
    await queue(page, ['banana bread', 'apple pie', 'cherry tart'], 'Baking')
    await queue(page, ['dragonfruit bowl'], 'Breakfast')
    await expect(rows(page)).toHaveCount(4)

    // Sort by prompt: A→Z first, then Z→A.
    await page.getByRole('columnheader', { name: 'Prompt' }).getByRole('button').click()
    await expect(page.getByRole('columnheader', { name: 'Prompt' })).toHaveAttribute('aria-sort', 'ascending')
    await expect.poll(() => prompts(page)).toEqual(['apple pie', 'banana bread', 'cherry tart', 'dragonfruit bowl'])
    await page.getByRole('columnheader', { name: 'Prompt' }).getByRole('button').click()
    await expect(page.getByRole('columnheader', { name: 'Prompt' })).toHaveAttribute('aria-sort', 'descending')
    await expect.poll(() => prompts(page)).toEqual(['dragonfruit bowl', 'cherry tart', 'banana bread', 'apple pie'])

    // Text filter.
    await page.getByLabel('Filter jobs').fill('ban')
    await expect.poll(() => prompts(page)).toEqual(['banana bread'])
    await page.getByLabel('Filter jobs').fill('')
    await expect(rows(page)).toHaveCount(4)

    // Batch filter (from listBatches).
    await page.getByLabel('Filter by batch').selectOption({ label: 'Breakfast · 1' })
    await expect.poll(() => prompts(page)).toEqual(['dragonfruit bowl'])
    await page.getByLabel('Filter by batch').selectOption({ label: 'All batches' })
    await expect(rows(page)).toHaveCount(4)

    // Provider and model filters.
    await page.getByLabel('Filter by provider').selectOption('bfl')
    await expect(page.getByText('No jobs match this filter.')).toBeVisible()
    await page.getByLabel('Filter by provider').selectOption('demo')
    await page.getByLabel('Filter by model').selectOption('images')
    await expect(rows(page)).toHaveCount(4)
    await page.getByRole('button', { name: 'Reset' }).click()

    // Status chip: cancel one job, then show only the canceled ones.
    await row(page, 'cherry tart').click()
    await page.getByRole('button', { name: 'Cancel job' }).click()
    await expect(row(page, 'cherry tart')).toHaveAttribute('data-status', 'canceled')
    await page.getByRole('button', { name: 'Close details' }).click()
    const chips = page.getByRole('group', { name: 'Filter by status' })
    await chips.getByRole('button', { name: /^canceled/ }).click()
    await expect.poll(() => prompts(page)).toEqual(['cherry tart'])
    await chips.getByRole('button', { name: /^all/ }).click()
    await expect(rows(page)).toHaveCount(4)
    expect(problems).toEqual([])
  })

  test('select with click and shift-click, cancel them, then retry them', async ({ page }) => {
    const problems = watchErrors(page)
    await page.goto(app.url)
    await queue(page, ['one', 'two', 'three', 'four', 'five'])
    await expect(rows(page)).toHaveCount(5)
    // Newest first: five, four, three, two, one.
    await expect.poll(() => prompts(page)).toEqual(['five', 'four', 'three', 'two', 'one'])

    await row(page, 'four').click()
    await row(page, 'two').click({ modifiers: ['Shift'] })
    await expect(page.getByTestId('bulk-bar')).toContainText('3 jobs selected')
    await expect(rows(page).and(page.locator('[aria-selected="true"]'))).toHaveCount(3)

    await page.getByRole('button', { name: 'Cancel selected jobs' }).click()
    for (const p of ['four', 'three', 'two']) await expect(row(page, p)).toHaveAttribute('data-status', 'canceled')
    for (const p of ['five', 'one']) await expect(row(page, p)).not.toHaveAttribute('data-status', 'canceled')
    await expect(page.getByRole('status').filter({ hasText: 'Canceled 3 jobs' })).toBeVisible()

    await page.getByRole('button', { name: 'Retry selected jobs' }).click()
    for (const p of ['four', 'three', 'two']) await expect(row(page, p)).toHaveAttribute('data-status', /^(queued|submitting|running)$/)
    await expect(page.getByRole('status').filter({ hasText: 'Retrying 3 jobs' })).toBeVisible()

    // The drawer of a retried job shows both attempts in its history.
    await row(page, 'three').click()
    const drawer = page.getByTestId('job-drawer')
    await expect(drawer.locator('.timeline-type')).toContainText(['queued', 'submit', 'canceled', 'retry'])
    expect(problems).toEqual([])
  })
})

test.describe('with quick jobs', () => {
  let app: HeadlessApp
  test.beforeEach(async () => {
    app = await startHeadlessApp({ demo: { durationMs: 1500, failureRate: 0 } })
  })
  test.afterEach(async ({ page }) => {
    await page.close()
    await app?.stop()
  })

  test('a done job’s drawer: provider job id, full history, raw response, files', async ({ page }) => {
    const problems = watchErrors(page)
    await page.goto(app.url)
    await queue(page, ['a lantern in fog'])
    await expect(page.locator('[data-testid="job-row"][data-status="done"]')).toHaveCount(1, { timeout: 60_000 })
    await rows(page).first().click()

    const drawer = page.getByTestId('job-drawer')
    await expect(drawer).toBeVisible()
    await expect(drawer.getByRole('heading', { name: 'Job 1' })).toBeVisible()
    await expect(drawer.locator('dt', { hasText: 'Provider job id' }).locator('+ dd')).not.toHaveText('—')
    const types = drawer.locator('.timeline-type')
    await expect.poll(() => types.allInnerTexts()).toEqual(expect.arrayContaining(['queued', 'submit', 'submitted', 'ready', 'done']))
    const all = await types.allInnerTexts()
    expect(all.indexOf('queued')).toBeLessThan(all.indexOf('submitted'))
    expect(all.indexOf('ready')).toBeLessThan(all.indexOf('done'))
    await expect(drawer.locator('.timeline time').first()).toHaveText(/\d{1,2}:\d{2}:\d{2}/)

    const raw = drawer.getByTestId('raw-response')
    await expect(raw.locator('pre')).toBeHidden()
    await raw.getByText('Last provider response').click()
    await expect(raw.locator('pre')).toBeVisible()
    await expect(raw.locator('pre')).toContainText('"')

    // The result preview; in headless mode the file opens in a browser tab and downloads (no desktop to show it in).
    await expect(drawer.locator('.drawer-assets img')).toHaveCount(1)
    await expect(drawer.getByRole('button', { name: 'Show in folder' })).toHaveCount(0)
    await expect(drawer.getByRole('link', { name: 'Open' })).toHaveAttribute('href', /^\/asset\/\d+\/file$/)
    await expect(drawer.getByRole('link', { name: 'Download' })).toHaveAttribute('download', /\.png$/)

    // Pause and resume the job's batch.
    await drawer.getByRole('button', { name: 'Pause batch' }).click()
    await expect(drawer.getByRole('button', { name: 'Resume batch' })).toBeVisible()
    await expect(drawer.locator('.badge', { hasText: 'paused' })).toBeVisible()
    await drawer.getByRole('button', { name: 'Resume batch' }).click()
    await expect(drawer.getByRole('button', { name: 'Pause batch' })).toBeVisible()
    expect(problems).toEqual([])
  })

  test('re-queue the selection on another model, then delete with a confirmation', async ({ page }) => {
    const problems = watchErrors(page)
    await page.goto(app.url)
    await queue(page, ['red', 'green', 'blue'])
    await expect(page.locator('[data-testid="job-row"][data-status="done"]')).toHaveCount(3, { timeout: 60_000 })

    // Re-queue two of them on the demo's video model, which starts from a picture: each from its own result.
    await row(page, 'blue').click()
    await page.getByRole('button', { name: 'Close details' }).click()
    await row(page, 'green').click({ modifiers: ['Shift'] })
    await page.getByRole('button', { name: 'Re-queue selected jobs with another model' }).click()
    const requeue = page.getByTestId('requeue-dialog')
    await expect(requeue.getByText('each job starts from its own result')).toBeVisible()
    await requeue.getByLabel('Model').selectOption('videos')
    await requeue.getByRole('button', { name: 'Queue 2 new jobs' }).click()
    await expect(requeue).toBeHidden()
    await expect(rows(page)).toHaveCount(5)
    // The row names the model as the picker does (its label), not by its id.
    await expect(rows(page).locator('.cell-provider', { hasText: 'Video' })).toHaveCount(2)
    const { jobs } = await app.call('listJobs', { limit: 2 })
    for (const job of jobs) expect(job.inputs).toEqual([expect.objectContaining({ assetId: expect.any(Number) })])

    // Delete everything: Escape keeps them, the confirm deletes them.
    await page.getByRole('grid', { name: 'Jobs' }).focus()
    await page.keyboard.press('ControlOrMeta+a')
    await expect(page.getByTestId('bulk-bar')).toContainText('All 5 jobs selected')
    // The export slot: "all" is turned into ids, then the export UI's dialog opens for them.
    await page.getByRole('button', { name: 'Export files of selected jobs' }).click()
    const exportDialog = page.getByTestId('export-dialog')
    await expect(exportDialog).toBeVisible()
    await exportDialog.getByRole('button', { name: 'Close' }).first().click()
    await expect(exportDialog).toBeHidden()
    await page.getByRole('button', { name: 'Delete selected jobs' }).click()
    const dialog = page.getByTestId('delete-dialog')
    await expect(dialog).toBeVisible()
    await expect(dialog.getByRole('heading')).toHaveText('Delete 5 jobs?')
    await page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
    await expect(rows(page)).toHaveCount(5)

    await page.getByRole('button', { name: 'Delete selected jobs' }).click()
    await dialog.getByLabel('Also delete their downloaded files from disk').check()
    await dialog.getByRole('button', { name: 'Delete 5 jobs' }).click()
    await expect(dialog).toBeHidden()
    await expect(rows(page)).toHaveCount(0)
    await expect(page.getByText('No jobs yet.')).toBeVisible()
    await expect(page.getByRole('status').filter({ hasText: 'Deleted 5 jobs and their files' })).toBeVisible()
    await expect(page.getByTestId('status-counts')).toHaveText('')
    expect(problems).toEqual([])
  })
})
