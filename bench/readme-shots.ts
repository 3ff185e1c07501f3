// The README's screenshots, taken against the real headless app on the Demo: pictures, then short videos
// made from two of them, in the Queue, the Gallery and the Lightbox playing a video.
// `npm run build:renderer && npx tsx bench/readme-shots.ts [outDir]` (default docs/).
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS } from '../playwright.config'
import { startHeadlessApp } from '../test/e2e/headless-app'

const out = process.argv[2] ?? 'docs'
const app = await startHeadlessApp({ demo: { durationMs: 1200, failureRate: 0 } })
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })

async function allDone(n: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await app.call('getStatusCounts', undefined)).done >= n) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`fewer than ${n} jobs done`)
}

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
  const { batchId } = await app.call('queuePrompts', { prompts, model: 'images', params: { width: 1024, height: 1024 }, batchName: 'Postcards' })
  await allDone(prompts.length)
  const { items } = await app.call('listGallery', { batchId, limit: 2 })
  for (const item of items)
    await app.call('queuePrompts', { prompts: [`${item.prompt}, slowly moving`], model: 'videos', inputs: [{ assetId: item.id }], batchId })
  await allDone(prompts.length + items.length)
  // Something still running in the Queue shot.
  await app.call('updateSettings', { demo: { durationMs: 60_000 } })
  await app.call('queuePrompts', { prompts: ['a paper boat on a canal', 'a tram in the fog'], model: 'images', batchName: 'In progress' })

  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } })
  await page.goto(app.url)
  await page.getByText('Live', { exact: true }).waitFor()
  await page.waitForTimeout(1500)
  await page.screenshot({ path: `${out}/queue.png` })
  await page.getByRole('tab', { name: 'Gallery' }).click()
  await page.getByTestId('gallery-item').first().waitFor()
  await page.waitForTimeout(1500)
  await page.screenshot({ path: `${out}/gallery.png` })
  // The newest item is a video: open it, let it play a moment.
  await page.getByTestId('gallery-item').first().click()
  await page.locator('video').first().waitFor()
  await page.waitForTimeout(1200)
  await page.screenshot({ path: `${out}/lightbox.png` })
} finally {
  await browser.close()
  await app.stop()
}
