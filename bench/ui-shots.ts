// Screenshots of the gallery, lightbox and export dialog against the real headless app, for looking at
// what was built: `npx tsx bench/ui-shots.ts [outDir]` (default /tmp/shots). Needs `npm run build:renderer`.
import { mkdirSync, renameSync, truncateSync } from 'node:fs'
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS } from '../playwright.config'
import { startHeadlessApp } from '../test/e2e/headless-app'

const out = process.argv[2] ?? '/tmp/shots'
mkdirSync(out, { recursive: true })

const app = await startHeadlessApp({ demo: { durationMs: 300, failureRate: 0 } })
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })
try {
  const prompts = [
    'a lighthouse at dawn',
    'a fox in the snow',
    'a city of glass',
    'a red barn at dusk',
    'portrait of a café owner',
    'an isometric robot workshop',
    'a desert caravan at night',
    'a koi pond in the rain'
  ]
  await app.call('queuePrompts', { prompts, batchName: 'Screenshots' })
  for (let i = 0; i < 100; i++) {
    const counts = await app.call('getStatusCounts', undefined)
    if (counts.done === prompts.length) break
    await new Promise((r) => setTimeout(r, 200))
  }
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } })
  page.on('console', (m) => m.type() === 'error' && console.log('console error:', m.text()))
  page.on('pageerror', (e) => console.log('page error:', e.message))
  await page.goto(app.url)
  await page.getByRole('tab', { name: 'Gallery' }).click()
  const items = page.getByTestId('gallery-item')
  await items.first().waitFor()
  await page.waitForTimeout(800)
  const [first, second, third] = [items.nth(0), items.nth(1), items.nth(2)]
  await first.click()
  await page.keyboard.press('f')
  await page.keyboard.press('4')
  await page.waitForTimeout(200)
  await page.screenshot({ path: `${out}/lightbox.png` })
  await page.mouse.move(600, 400)
  await page.mouse.wheel(0, -600)
  await page.waitForTimeout(100)
  await page.mouse.down()
  await page.mouse.move(500, 330, { steps: 5 })
  await page.mouse.up()
  await page.getByRole('button', { name: 'Re-queue…' }).click()
  await page.screenshot({ path: `${out}/lightbox-zoomed.png` })
  await page.keyboard.press('Escape')
  await page.keyboard.press('Escape')
  await second.click({ modifiers: ['Control'] })
  await third.click({ modifiers: ['Control'] })
  await page.waitForTimeout(200)
  await page.screenshot({ path: `${out}/gallery-selected.png` })
  await page.getByRole('button', { name: 'Export selected…' }).click()
  await page.waitForTimeout(200)
  await page.screenshot({ path: `${out}/export-dialog.png` })
  await page.keyboard.press('Enter')
  await page.getByTestId('export-path').waitFor()
  await page.screenshot({ path: `${out}/export-done.png` })
  await page.keyboard.press('Escape')
  await page.getByLabel('Minimum rating').selectOption('4')
  await page.waitForTimeout(500)
  await page.screenshot({ path: `${out}/gallery-filtered.png` })
  // A file moved away on disk: a missing tile, and the lightbox saying so.
  const { items: newest } = await app.call('listGallery', { limit: 1 })
  renameSync(newest[0].path, `${newest[0].path}.moved`)
  await page.reload()
  await page.getByRole('tab', { name: 'Gallery' }).click()
  await page.locator('[data-missing="true"]').waitFor()
  await page.getByRole('button', { name: 'Rescan library' }).click()
  await page.waitForTimeout(400)
  await page.screenshot({ path: `${out}/gallery-missing.png` })
  await page.locator('[data-missing="true"]').click()
  await page.screenshot({ path: `${out}/lightbox-missing.png` })
  await page.keyboard.press('Escape')
  // The keyboard cursor on the grid after closing the lightbox, moved by the arrow keys.
  await page.keyboard.press('ArrowRight')
  await page.keyboard.press('ArrowDown')
  await page.screenshot({ path: `${out}/gallery-cursor.png` })
  // An export in progress: files padded (sparse) so it runs long enough to see.
  renameSync(`${newest[0].path}.moved`, newest[0].path)
  for (const a of (await app.call('listGallery', {})).items) truncateSync(a.path, 96 * 1024 * 1024)
  await page.getByRole('button', { name: 'Export all…' }).click()
  await page.getByLabel('Embed prompt in PNG files').check()
  await page.keyboard.press('Enter')
  await page.waitForTimeout(300)
  await page.screenshot({ path: `${out}/export-running.png` })
  await page.getByRole('button', { name: 'Cancel export' }).click()
  await page.locator('[data-testid="export-dialog"][data-state="canceled"]').waitFor()
  await page.screenshot({ path: `${out}/export-canceled.png` })
  console.log(`screenshots in ${out}`)
} finally {
  await browser.close()
  await app.stop()
}
