// A user's first minutes, in Debian's Chromium against `npm run headless`: queue three prompts on the
// default Demo provider, watch them finish live, find them in the gallery, open one.
import { expect, test } from '@playwright/test'
import { existsSync, mkdirSync } from 'node:fs'
import { startHeadlessApp, type HeadlessApp } from './headless-app'

let app: HeadlessApp

test.beforeAll(async () => {
  app = await startHeadlessApp()
})

test.afterAll(async () => {
  await app?.stop()
})

test('queue three prompts, see them done, browse and open them in the gallery', async ({ page }) => {
  const problems: string[] = []
  page.on('pageerror', (err) => problems.push(err.message))
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text())
  })

  await page.goto(app.url)
  await expect(page).toHaveURL(/\/$/) // the token left the address bar
  await page.getByLabel('Prompts').fill('a lighthouse at dawn\na fox in the snow\na city of glass')
  await page.getByRole('button', { name: 'Queue', exact: true }).click()

  const rows = page.getByTestId('job-row')
  await expect(rows).toHaveCount(3)
  await expect(page.locator('[data-testid="job-row"][data-status="done"]')).toHaveCount(3, { timeout: 60_000 })
  if (process.env.SCREENSHOTS) {
    mkdirSync('docs', { recursive: true })
    await page.screenshot({ path: 'docs/queue.png' })
  }

  await page.getByRole('tab', { name: 'Gallery' }).click()
  const items = page.getByTestId('gallery-item')
  await expect(items).toHaveCount(3)
  // Thumbnails really load from disk through the bridge.
  await expect
    .poll(() =>
      items
        .first()
        .locator('img')
        .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)
    )
    .toBeGreaterThan(0)
  if (process.env.SCREENSHOTS) await page.screenshot({ path: 'docs/gallery.png' })

  await items.first().click()
  const lightbox = page.getByTestId('lightbox')
  await expect(lightbox).toBeVisible()
  await expect
    .poll(() =>
      lightbox
        .locator('img')
        .first()
        .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)
    )
    .toBeGreaterThan(0)
  if (process.env.SCREENSHOTS) await page.screenshot({ path: 'docs/lightbox.png' })
  await page.keyboard.press('Escape')
  await expect(lightbox).toBeHidden()

  expect(existsSync(app.dataDir)).toBe(true)
  expect(problems).toEqual([])
})
