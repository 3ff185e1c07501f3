// Every model side by side, in Debian's Chromium against the real headless app on the Demo: a 3 prompts ×
// 3 models × 2 variations matrix queued from the composer with a failure rate, the Compare tab's 18 labelled
// cells with the failures in place (live as the jobs end), a winner per row, and the PNG contact sheet
// exported and checked by its labels (its text chunks) and its pixels (each cell carries its picture).
// The Demo (LetzAI's API) takes no seed: its variations are its seeds, each job drawing its own.
import { expect, test } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { readPngText } from '../../src/main/core/library/png-text'
import { cellOrigin, type SheetGeometry } from '../../src/main/core/library/sheets'
import { pageProblems, startHeadlessApp, type HeadlessApp } from './headless-app'

let app: HeadlessApp

test.afterAll(async () => {
  await app?.stop()
})

const PROMPTS = ['a tin robot', 'a paper boat', 'a glass apple']
const TYPED = ['flux2', 'seedream-5-0-pro']
const MODEL_LABELS = ['Demo · Image', 'Demo · flux2', 'Demo · seedream-5-0-pro']

async function mean(png: Buffer, region: { left: number; top: number; width: number; height: number }): Promise<number[]> {
  const cut = await sharp(png).extract(region).png().toBuffer()
  return (await sharp(cut).stats()).channels.slice(0, 3).map((c) => c.mean)
}

test('a 3 × 3 × 2 matrix with failures: Compare shows 18 labelled cells, failures in place; the PNG sheet carries them', async ({ page }) => {
  test.setTimeout(180_000)
  app = await startHeadlessApp({ demo: { durationMs: 2500, failureRate: 0.4 } })
  const problems = pageProblems(page)
  await page.goto(app.url)

  // The matrix, from the composer: three prompts, the Demo's Image and two typed-in base models, 2 variations.
  await page.getByLabel('Prompts').fill(PROMPTS.join('\n'))
  await page.getByRole('button', { name: 'Choose models' }).click()
  for (const id of TYPED) {
    await page.getByRole('button', { name: 'Other model id…' }).first().click()
    await page.getByLabel('Demo model id').fill(id)
    await page.getByRole('button', { name: 'Add model' }).click()
  }
  await page.getByRole('button', { name: 'Done' }).click()
  await page.getByLabel('Count per prompt').fill('2')
  await page.getByLabel('Batch name').fill('Robots and boats')
  await expect(page.getByTestId('job-preview')).toHaveText('3 prompts × 3 models × 2 variations = 18 jobs')
  await page.getByRole('button', { name: 'Queue', exact: true }).click()
  await expect(page.locator('.toast-message', { hasText: 'Queued 18 jobs in “Robots and boats”' })).toBeVisible()

  // Compare, while the jobs still run: the grid is there with its labels at once, filling in live.
  await page.getByRole('tab', { name: 'Compare' }).click()
  const grid = page.getByTestId('compare-grid')
  await expect(grid).toBeVisible()
  await expect(page.getByLabel('Batch to compare')).toContainText('Robots and boats')
  await expect(grid.getByRole('columnheader')).toHaveText(['Prompt ↓ · Model →', ...MODEL_LABELS])
  await expect(grid.getByRole('rowheader')).toHaveText(PROMPTS)
  await expect(page.getByRole('tab', { name: 'Variation: #1' })).toHaveAttribute('aria-selected', 'true')
  const cells = page.getByTestId('compare-cell')
  await expect(cells).toHaveCount(9)
  await page.screenshot({ path: 'test-results/compare-live.png' })
  await expect
    .poll(async () => (await app.call('getStatusCounts', undefined)).done + (await app.call('getStatusCounts', undefined)).failed, { timeout: 90_000 })
    .toBe(18)
  await expect(page.getByTestId('compare-summary')).toContainText('0 waiting')

  // 18 cells over the two pages, each where its job belongs, the failures in place with their reason.
  const { jobs } = await app.call('listJobs', { limit: 100 })
  const failedJobs = jobs.filter((j) => j.status === 'failed')
  expect(failedJobs.length).toBeGreaterThan(0)
  const seen: { jobId: number; status: string }[] = []
  for (const p of [1, 2]) {
    await page.getByRole('tab', { name: `Variation: #${p}` }).click()
    await expect(cells).toHaveCount(9)
    await expect(cells.locator('[data-status="queued"], [data-status="running"]')).toHaveCount(0)
    for (const [r, prompt] of PROMPTS.entries())
      for (const [c, label] of MODEL_LABELS.entries()) {
        const cell = grid.locator(`[data-cell="${r}-${c}"] [data-testid="compare-cell"]`)
        const jobId = Number(await cell.getAttribute('data-job-id'))
        const job = jobs.find((j) => j.id === jobId)!
        expect(job.prompt).toBe(prompt)
        expect(['images', ...TYPED][c]).toBe(job.model)
        await expect(cell).toHaveAttribute('data-status', job.status)
        await expect(cell).toHaveAttribute('aria-label', new RegExp(`^${prompt} × ${label}: `))
        if (job.status === 'failed') await expect(cell.locator('.compare-error')).toHaveText(job.error!)
        else await expect(cell.getByRole('img')).toBeVisible()
        seen.push({ jobId, status: job.status })
      }
  }
  expect(new Set(seen.map((s) => s.jobId)).size).toBe(18)
  expect(seen.filter((s) => s.status === 'failed')).toHaveLength(failedJobs.length)
  await page.screenshot({ path: 'test-results/compare-done.png' })

  // A winner per row, from the keyboard: W on the focused cell.
  await page.getByRole('tab', { name: 'Variation: #1' }).click()
  const first = grid.locator('[data-cell="0-1"] [data-testid="compare-cell"]')
  await first.focus()
  await page.keyboard.press('w')
  await expect(first).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('ArrowRight')
  await page.keyboard.press('w')
  await expect(grid.locator('[data-cell="0-2"] [data-testid="compare-cell"]')).toHaveAttribute('aria-selected', 'true')
  await expect(first).toHaveAttribute('aria-selected', 'false')
  const winnerJob = Number(await grid.locator('[data-cell="0-2"] [data-testid="compare-cell"]').getAttribute('data-job-id'))
  // Enter opens the cell's job.
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('job-drawer')).toContainText(PROMPTS[0])
  await page.getByRole('button', { name: 'Close details' }).click()

  // The PNG contact sheet.
  await page.getByRole('button', { name: 'Export sheet…' }).click()
  const dialog = page.getByTestId('sheet-export-dialog')
  const folder = join(app.dataDir, 'sheets')
  await dialog.getByLabel('Folder').fill(folder)
  await dialog.getByRole('button', { name: 'Save PNG' }).click()
  const written = await dialog.getByTestId('sheet-written').innerText()
  expect(written).toBe(join(folder, 'robots-and-boats-sheet.png'))
  await dialog.getByRole('button', { name: 'Done' }).click()

  const png = readFileSync(written)
  const meta = JSON.parse(readPngText(png)['batch-studio:sheet']) as {
    rows: string[]
    cols: string[]
    pages: string[]
    geometry: SheetGeometry
    cells: ({ job: number; status: string; winner: boolean } | null)[][][]
  }
  expect(meta.rows).toEqual(PROMPTS)
  expect(meta.cols).toEqual(MODEL_LABELS)
  expect(meta.pages).toEqual(['#1', '#2'])
  const g = meta.geometry
  let checked = 0
  for (const [p, page2] of meta.cells.entries())
    for (const [r, line] of page2.entries())
      for (const [c, cell] of line.entries()) {
        const job = jobs.find((j) => j.id === cell!.job)!
        expect(cell!.status).toBe(job.status)
        expect(cell!.winner).toBe(job.id === winnerJob)
        const at = cellOrigin(g, p, r, c)
        if (job.status === 'done') {
          const asset = (await app.call('getJob', { id: job.id }))!.assets[0]
          const source = await sharp(asset.path).resize(g.cellSize, g.cellSize, { fit: 'contain' }).png().toBuffer()
          const region = { left: 12, top: 12, width: g.cellSize - 24, height: g.cellSize - 40 }
          const drawn = await mean(png, { ...region, left: at.x + 12, top: at.y + 12 })
          const expected = await mean(source, region)
          for (const [i, v] of drawn.entries()) expect(Math.abs(v - expected[i])).toBeLessThan(6)
        } else {
          const [red, green] = await mean(png, { left: at.x + g.cellSize - 20, top: at.y + g.cellSize - 20, width: 10, height: 10 })
          expect(red).toBeGreaterThan(80)
          expect(green).toBeLessThan(40)
        }
        checked++
      }
  expect(checked).toBe(18)
  // The column labels are drawn above the cells (bright text on the dark sheet).
  const head = await sharp(await sharp(png).extract({ left: g.rowHeader, top: g.pageTops[0], width: g.cellSize, height: g.colHeader }).png().toBuffer()).stats()
  expect(head.channels[0].max).toBeGreaterThan(150)
  expect(problems).toEqual([])
})

test('a parameter sweep from the composer (quality 1-3) is a sheet whose pages are its values', async ({ page }) => {
  await app?.stop()
  app = await startHeadlessApp({ demo: { durationMs: 500, failureRate: 0 } })
  const problems = pageProblems(page)
  await page.goto(app.url)
  await page.getByLabel('Prompts').fill('a brass owl\na clay owl')
  await page.getByRole('radio', { name: 'Sweep' }).check()
  await page.getByLabel('Sweep parameter').selectOption('quality')
  await page.getByLabel('Sweep values').fill('1-3')
  await expect(page.getByTestId('job-preview')).toHaveText('2 prompts × 1 model × 3 × Quality = 6 jobs')
  await page.getByRole('button', { name: 'Queue', exact: true }).click()
  await expect.poll(async () => (await app.call('getStatusCounts', undefined)).done, { timeout: 60_000 }).toBe(6)
  await page.getByRole('tab', { name: 'Compare' }).click()
  await expect(page.getByRole('tablist', { name: 'quality' }).getByRole('tab')).toHaveText(['quality 1', 'quality 2', 'quality 3'])
  await page.getByRole('tab', { name: 'quality 3' }).click()
  const cells = page.getByTestId('compare-cell')
  await expect(cells).toHaveCount(2)
  for (const id of await cells.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-job-id'))))) {
    expect((await app.call('getJob', { id }))!.job.params.quality).toBe(3)
  }
  // T swaps the axes: the prompts go across.
  await cells.first().focus()
  await page.keyboard.press('t')
  await expect(page.getByTestId('compare-grid').getByRole('columnheader')).toHaveText(['Model ↓ · Prompt →', 'a brass owl', 'a clay owl'])
  expect(problems).toEqual([])
})
