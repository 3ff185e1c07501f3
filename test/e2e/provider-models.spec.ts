// Settings → Refresh models against the real simulator (Wonda's GET /capabilities): the provider's own list
// is shown, and the composer's "Other model id…" offers its ids beside the catalogue's suggestions, with the
// kind the list gives; a model the catalogue does not know is then queued and done. A provider with no list
// over its API says so plainly.
import { expect, test } from '@playwright/test'
import { pageProblems, startHeadlessApp, type HeadlessApp } from './headless-app'
import { startE2ESimulator, type E2ESimulator } from './simulator'

let sim: E2ESimulator
let app: HeadlessApp
let problems: string[]

test.beforeEach(async ({ page }) => {
  sim = await startE2ESimulator({ durationMs: 300, failureRate: 0, keys: { wondercat: 'e2e-wonda-key', bfl: 'e2e-bfl-key' }, urlTtlMs: 600_000 })
  app = await startHeadlessApp(
    {},
    { env: { WONDERCAT_BASE_URL: sim.baseUrl('wondercat'), WONDERCAT_API_KEY: 'e2e-wonda-key', BFL_BASE_URL: sim.baseUrl('bfl'), BFL_API_KEY: 'e2e-bfl-key' } }
  )
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

test("refresh Wonda's models in Settings, then queue one the catalogue does not list; BFL says it has no list", async ({ page }) => {
  await page.getByRole('tab', { name: 'Settings' }).click()
  await page.getByRole('tablist', { name: 'Providers' }).getByRole('tab', { name: /^BFL/ }).click()
  let panel = page.getByRole('tabpanel').getByTestId('provider-settings')
  await panel.getByRole('button', { name: 'Refresh models' }).click()
  await expect(panel.getByTestId('models-result')).toHaveText('BFL (FLUX) does not list its models over its API; any model id it accepts can still be typed in')

  await page
    .getByRole('tablist', { name: 'Providers' })
    .getByRole('tab', { name: /^Wondercat/ })
    .click()
  panel = page.getByRole('tabpanel').getByTestId('provider-settings')
  await panel.getByRole('button', { name: 'Refresh models' }).click()
  await expect(panel.getByTestId('models-result')).toHaveText(/^Wondercat lists \d+ models$/)
  await panel.getByText('model ids, offered under “Other model id…” in the composer').click()
  await expect(panel.getByRole('list', { name: 'Wondercat models' })).toContainText('grok-imagine-pro')
  if (process.env.E2E_SHOTS) await page.screenshot({ path: `${process.env.E2E_SHOTS}/settings-models.png` })

  // The composer offers the listed ids; picking one sets the kind the list gave.
  const composer = page.getByRole('complementary', { name: 'Composer' })
  await composer.getByRole('button', { name: 'Choose models' }).click()
  const wonda = composer.locator('.model-options fieldset').filter({ hasText: 'Wondercat' })
  await wonda.getByRole('button', { name: 'Other model id…' }).click()
  const other = composer.getByRole('group', { name: 'Wondercat: other model id' })
  const listId = await other.getByLabel('Wondercat model id').getAttribute('list')
  const offered = await page.locator(`datalist[id="${listId}"] option`).evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value))
  expect(offered).toEqual(expect.arrayContaining(['nano-banana-2', 'grok-imagine-pro', 'veo3_1']))
  await other.getByLabel('Wondercat model id').fill('veo3_1')
  await expect(other.getByLabel('Wondercat model kind')).toHaveValue('video')
  await other.getByLabel('Wondercat model id').fill('grok-imagine-pro')
  await expect(other.getByLabel('Wondercat model kind')).toHaveValue('image')
  await other.getByRole('button', { name: 'Add model' }).click()
  await composer.getByRole('checkbox', { name: 'Demo · Image', exact: true }).uncheck()
  await composer.getByRole('button', { name: 'Done', exact: true }).click()
  await expect(composer.getByTestId('model-chip')).toHaveText(['Wondercat · grok-imagine-pro'])

  await composer.getByLabel('Prompts').fill('a moth on a lamp')
  await composer.getByRole('button', { name: 'Queue', exact: true }).click()
  await page.getByRole('tab', { name: 'Queue' }).click()
  await expect(page.locator('[data-testid="job-row"][data-status="done"]')).toHaveCount(1, { timeout: 60_000 })
  const { jobs } = await app.call('listJobs', { limit: 1 })
  expect(jobs[0]).toMatchObject({ provider: 'wondercat', model: 'grok-imagine-pro', kind: 'image', status: 'done' })
})
