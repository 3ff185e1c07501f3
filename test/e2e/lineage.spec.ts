// From a pick to the next step, in Debian's Chromium against the real headless app on the Demo: generate 20
// from the composer, favourite 5 in the gallery, send them to upscale, and see the 5 results linked to their
// parents (the gallery's lineage filter, the lightbox's strip, the job drawer's strip). A send that cannot
// go (a file gone from disk) is refused in the dialog with nothing queued.
import { expect, test } from '@playwright/test'
import { rmSync } from 'node:fs'
import { pageProblems, startHeadlessApp, type HeadlessApp } from './headless-app'

let app: HeadlessApp

test.afterAll(async () => {
  await app?.stop()
})

const PROMPTS = Array.from({ length: 20 }, (_, i) => `a lantern number ${i + 1} on a pier`)

test('generate 20, favourite 5, send them to upscale: 5 results, each linked to its parent', async ({ page }) => {
  test.setTimeout(180_000)
  app = await startHeadlessApp({ demo: { durationMs: 600, failureRate: 0 } })
  const problems = pageProblems(page)
  await page.goto(app.url)

  // Generate 20 from the composer.
  await page.getByLabel('Prompts').fill(PROMPTS.join('\n'))
  await expect(page.getByTestId('job-preview')).toHaveText('20 prompts × 1 model × 1 variation = 20 jobs')
  await page.getByRole('button', { name: 'Queue', exact: true }).click()
  await expect.poll(async () => (await app.call('getStatusCounts', undefined)).done, { timeout: 90_000 }).toBe(20)

  // Favourite 5 in the gallery: Ctrl-click five tiles, then Favourite.
  await page.getByRole('tab', { name: 'Gallery' }).click()
  const tiles = page.getByTestId('gallery-item')
  await expect(tiles).toHaveCount(20)
  for (const i of [0, 3, 7, 12, 19]) await tiles.nth(i).click({ modifiers: ['Control'] })
  await expect(page.getByTestId('gallery-selection-count')).toHaveText('5 items selected')
  const selbar = page.locator('.gallery-selbar')
  await selbar.getByRole('button', { name: 'Favourite', exact: true }).click()
  await selbar.getByRole('button', { name: 'Clear selection' }).click()
  await page.getByRole('button', { name: 'Favourites' }).click()
  await expect(tiles).toHaveCount(5)
  const favourites = (await app.call('listGallery', { favorite: true })).items
  expect(favourites).toHaveLength(5)

  // Select them all and send them to the Demo's upscaler.
  await page.getByTestId('gallery-grid').focus()
  await page.keyboard.press('Control+a')
  await expect(page.getByTestId('gallery-selection-count')).toHaveText('All 5 items selected')
  await selbar.getByRole('button', { name: 'Send to…' }).click()
  const dialog = page.getByTestId('send-to-dialog')
  await expect(dialog.getByRole('heading', { name: 'Send 5 pictures to…' })).toBeVisible()
  await expect(dialog.getByRole('radio', { name: 'Upscale' })).toBeChecked()
  await expect(dialog.getByLabel('Model')).toHaveValue('demo/upscales')
  // A provider that takes pictures only as public URLs is listed but cannot be picked.
  await dialog.getByRole('radio', { name: 'New picture from it (reference)' }).check()
  await expect(dialog.locator('option[value^="apixo/"]').first()).toBeDisabled()
  await dialog.getByRole('radio', { name: 'Upscale' }).check()
  await dialog.getByRole('button', { name: 'Send to Demo · Upscale' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByText('Sent 5 pictures to Demo · Upscale').first()).toBeVisible()
  await expect.poll(async () => (await app.call('getStatusCounts', undefined)).done, { timeout: 60_000 }).toBe(25)

  // The 5 results are "derived", each made from one favourite (and the 5 favourites "have children").
  await page.getByRole('button', { name: 'Favourites' }).click()
  await page.getByLabel('Lineage').selectOption('derived')
  await expect(tiles).toHaveCount(5)
  const derived = (await app.call('listGallery', { lineage: 'derived' })).items
  expect(derived.map((a) => a.model)).toEqual(Array(5).fill('upscales'))
  const parentOf = new Map<number, number>()
  for (const a of derived) {
    const { parents } = await app.call('getLineage', { jobId: a.jobId })
    expect(parents).toHaveLength(1)
    parentOf.set(a.jobId, parents[0].id)
    expect(a.prompt).toBe(parents[0].prompt)
  }
  expect([...parentOf.values()].sort((x, y) => x - y)).toEqual(favourites.map((f) => f.jobId).sort((x, y) => x - y))
  expect((await app.call('listGallery', { lineage: 'has-children' })).items.map((a) => a.id).sort()).toEqual(favourites.map((f) => f.id).sort())

  // The lightbox shows where a result came from; walking to the parent shows its picture and its child.
  await tiles.first().click()
  const lightbox = page.getByTestId('lightbox')
  const shownJob = Number(await lightbox.getAttribute('data-asset-id').then((id) => derived.find((a) => a.id === Number(id))!.jobId))
  const parentNode = lightbox.getByTestId('lineage-parents').locator(`[data-job-id="${parentOf.get(shownJob)}"]`)
  await expect(parentNode).toBeVisible()
  await page.screenshot({ path: 'test-results/lineage-lightbox.png' })
  await parentNode.click()
  const parentAsset = favourites.find((f) => f.jobId === parentOf.get(shownJob))!
  await expect(lightbox).toHaveAttribute('data-asset-id', String(parentAsset.id))
  await expect(page.getByTestId('lightbox-prompt')).toHaveText(parentAsset.prompt)
  await expect(lightbox.getByTestId('lineage-children').locator(`[data-job-id="${shownJob}"]`)).toBeVisible()
  await page.keyboard.press('Escape')

  // The job drawer shows the same link, and walks it.
  await page.getByRole('tab', { name: 'Queue' }).click()
  await page.locator(`[data-testid="job-row"][data-job-id="${shownJob}"]`).click()
  const drawer = page.getByTestId('job-drawer')
  await drawer
    .getByTestId('lineage-parents')
    .locator(`[data-job-id="${parentOf.get(shownJob)}"]`)
    .click()
  await expect(drawer.getByTestId('lineage-children').locator(`[data-job-id="${shownJob}"]`)).toBeVisible()

  // A file gone from disk: the send is refused in the dialog, before anything is queued.
  const before = await app.call('getStatusCounts', undefined)
  const lost = (await app.call('listGallery', { favorite: false, lineage: undefined })).items.find(
    (a) => a.model === 'images' && !favourites.some((f) => f.id === a.id)
  )!
  rmSync(lost.path)
  await page.getByRole('tab', { name: 'Gallery' }).click()
  await page.getByLabel('Lineage').selectOption('')
  await expect(tiles).toHaveCount(25)
  await tiles.and(page.locator(`[title="${lost.prompt}"]`)).click({ modifiers: ['Control'] })
  await expect(page.getByTestId('gallery-selection-count')).toHaveText('1 item selected')
  await selbar.getByRole('button', { name: 'Send to…' }).click()
  await dialog.getByRole('button', { name: 'Send to Demo · Upscale' }).click()
  await expect(dialog.getByTestId('send-to-error')).toContainText('cannot be read')
  await expect(dialog.getByTestId('send-to-error')).toContainText('Nothing was queued')
  expect(await app.call('getStatusCounts', undefined)).toEqual(before)
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  // The refused call itself is the one failed request (the bridge answers a refusal with a 400).
  expect(problems.filter((p) => p !== 'Failed to load resource: the server responded with a status of 400 (Bad Request)')).toEqual([])
  expect(problems.length).toBeLessThanOrEqual(1)
})
