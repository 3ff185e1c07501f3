// Issue 13's "a gallery image goes through an edit or upscale on each provider that supports one, end to
// end": the real simulator runs in this process with a key per protocol, the headless app is pointed at it
// through `<NAME>_BASE_URL` / `<NAME>_API_KEY` (as a user points it at the real services), and a picture the
// Demo made is handed from the Lightbox ("Use as input") to every provider's model that takes one — LetzAI's
// upscale and edit, BFL's Kontext edit (input_image), Wonda's Nano Banana 2 (attachments), UMRGEN's
// references — in one press of Queue. APIXO takes input pictures only as public URLs: its job says so.
import { expect, test, type Page } from '@playwright/test'
import { providerInfo, type ProviderId } from '../../src/shared/catalogue'
import { pageProblems, startHeadlessApp, type HeadlessApp } from './headless-app'
import { startE2ESimulator, type E2ESimulator, type SimProtocol } from './simulator'

const PROTOCOLS: readonly SimProtocol[] = ['letzai', 'bfl', 'wondercat', 'apixo', 'umrgen']

let sim: E2ESimulator
let app: HeadlessApp
let problems: string[]

test.beforeEach(async ({ page }) => {
  const keys = Object.fromEntries(PROTOCOLS.map((p) => [p, `e2e-key-${p}-${Math.random().toString(36).slice(2)}`])) as Record<SimProtocol, string>
  sim = await startE2ESimulator({ durationMs: 500, failureRate: 0, keys, urlTtlMs: 600_000 })
  const env: Record<string, string> = {}
  for (const p of PROTOCOLS) {
    env[`${providerInfo(p).envName}_BASE_URL`] = sim.baseUrl(p)
    env[`${providerInfo(p).envName}_API_KEY`] = keys[p]
  }
  app = await startHeadlessApp({ demo: { durationMs: 500, failureRate: 0 } }, { env })
  problems = pageProblems(page)
  await page.goto(app.url)
  await expect(page.getByText('Live', { exact: true })).toBeVisible()
})

test.afterEach(async ({ page }) => {
  const seen = [...problems]
  await page.close()
  await app?.stop()
  await sim?.close()
  expect(seen).toEqual([])
})

const composer = (page: Page) => page.getByRole('complementary', { name: 'Composer' })

/** The model picker's checkbox name for a provider's suggested model. */
function optionName(provider: ProviderId, model: string): string {
  const info = providerInfo(provider)
  return `${info.label.replace(/ \(.*\)$/, '')} · ${info.models.find((m) => m.id === model)!.label}`
}

/** Every provider's model that starts from a picture, as the catalogue suggests them. */
const TARGETS: readonly { provider: ProviderId; model: string }[] = [
  { provider: 'letzai', model: 'upscales' },
  { provider: 'letzai', model: 'image-edits' },
  { provider: 'bfl', model: 'flux-kontext-pro' },
  { provider: 'wondercat', model: 'nano-banana-2' },
  { provider: 'umrgen', model: 'default' },
  { provider: 'apixo', model: 'nano-banana-2' }
]

test('a gallery picture goes through an edit or upscale on each provider that takes one; APIXO says it takes only public URLs', async ({ page }) => {
  // The picture: made on the Demo, opened in the Lightbox, handed to the composer.
  await composer(page).getByLabel('Prompts').fill('a lighthouse at dawn')
  await composer(page).getByRole('button', { name: 'Queue', exact: true }).click()
  await expect(page.locator('[data-testid="job-row"][data-status="done"]')).toHaveCount(1, { timeout: 60_000 })
  await page.getByRole('tab', { name: 'Gallery' }).click()
  await page.getByTestId('gallery-item').click()
  const lightbox = page.getByRole('dialog', { name: 'Preview' })
  const assetId = Number(await lightbox.getAttribute('data-asset-id'))
  await lightbox.getByRole('button', { name: 'Use as input' }).click()
  await expect(page.getByRole('tab', { name: 'Queue' })).toHaveAttribute('aria-selected', 'true')
  await expect(composer(page).getByRole('group', { name: 'Input' }).getByRole('img', { name: 'a lighthouse at dawn' })).toBeVisible()

  await composer(page).getByRole('button', { name: 'Choose models' }).click()
  await composer(page).getByRole('checkbox', { name: 'Demo · Image', exact: true }).uncheck()
  for (const t of TARGETS)
    await composer(page)
      .getByRole('checkbox', { name: optionName(t.provider, t.model), exact: true })
      .check()
  await composer(page).getByRole('button', { name: 'Done' }).click()
  await composer(page).getByLabel('Prompts').fill('the same lighthouse, at night')
  await expect(composer(page).getByTestId('job-preview')).toContainText(`= ${TARGETS.length} jobs`)
  await composer(page).getByRole('button', { name: 'Queue', exact: true }).click()
  await expect(page.locator('.toast-message', { hasText: `Queued ${TARGETS.length} jobs` })).toBeVisible()

  // Each reaches its end: done with a file everywhere, but APIXO, refused before anything is sent.
  const made = page.getByTestId('job-row').filter({ hasText: 'the same lighthouse, at night' })
  await expect(made).toHaveCount(TARGETS.length)
  const ended = (status: string) => page.locator(`[data-testid="job-row"][data-status="${status}"]`).filter({ hasText: 'the same lighthouse, at night' })
  await expect(ended('done')).toHaveCount(TARGETS.length - 1, { timeout: 90_000 })
  await expect(ended('failed')).toHaveCount(1)
  const { jobs } = await app.call('listJobs', { limit: TARGETS.length })
  for (const t of TARGETS) {
    const job = jobs.find((j) => j.provider === t.provider && j.model === t.model)!
    expect(job.inputs, `${t.provider}/${t.model}`).toEqual([expect.objectContaining({ assetId })])
    if (t.provider === 'apixo') {
      expect(job.status).toBe('failed')
      expect(job.error).toContain('takes input images only as public URLs')
    } else {
      expect({ job: `${t.provider}/${t.model}`, status: job.status, error: job.error }).toEqual({
        job: `${t.provider}/${t.model}`,
        status: 'done',
        error: null
      })
      expect(job.firstAssetId).not.toBeNull()
    }
  }

  // What the user sees on APIXO's job: the reason, in words.
  await made.filter({ hasText: 'APIXO' }).click()
  const drawer = page.getByTestId('job-drawer')
  await expect(drawer.getByRole('alert')).toContainText('APIXO takes input images only as public URLs')
  await expect(drawer.getByRole('list', { name: 'Input files' }).getByRole('link', { name: `Gallery item ${assetId}` })).toBeVisible()
  if (process.env.E2E_SHOTS) await page.screenshot({ path: `${process.env.E2E_SHOTS}/provider-inputs.png` })
})
