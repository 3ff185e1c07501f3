// Pipelines at queue time from the composer, in Debian's Chromium against the real headless app on the Demo:
// "then upscale the result", each step starting from its generation's file once that is on disk, and the
// step linked to its generation in the job drawer.
import { expect, test } from '@playwright/test'
import { pageProblems, startHeadlessApp, type HeadlessApp } from './headless-app'

let app: HeadlessApp

test.afterAll(async () => {
  await app?.stop()
})

test('the composer queues a generation and a step after it; the step takes the generation’s file', async ({ page }) => {
  app = await startHeadlessApp({ demo: { durationMs: 800, failureRate: 0 } })
  const problems = pageProblems(page)
  await page.goto(app.url)
  await page.getByLabel('Prompts').fill('a windmill at noon\na windmill at night')
  await page.getByRole('button', { name: /Add a step after each job/ }).click()
  await page.getByLabel('Step 1', { exact: true }).selectOption('demo/upscales')
  await page.getByRole('button', { name: 'Queue', exact: true }).click()
  await expect(page.locator('.toast-message', { hasText: 'Queued 4 jobs' })).toBeVisible()
  await expect.poll(async () => (await app.call('getStatusCounts', undefined)).done, { timeout: 60_000 }).toBe(4)

  const { jobs } = await app.call('listJobs', { limit: 10, sort: 'id', dir: 'asc' })
  const steps = jobs.filter((j) => j.kind === 'upscale')
  expect(steps).toHaveLength(2)
  for (const step of steps) {
    const parent = jobs.find((j) => j.id === step.parentJobId)!
    expect(parent.kind).toBe('image')
    expect(step.prompt).toBe(parent.prompt)
    const parentFile = (await app.call('getJob', { id: parent.id }))!.assets[0]
    expect(step.inputs).toEqual([{ path: parentFile.path, assetId: parentFile.id }])
    expect(step.submittedAt!).toBeGreaterThanOrEqual(parent.finishedAt!)
  }
  await page.locator(`[data-testid="job-row"][data-job-id="${steps[0].id}"]`).click()
  const drawer = page.getByTestId('job-drawer')
  await expect(drawer.getByTestId('lineage-parents').locator(`[data-job-id="${steps[0].parentJobId}"]`)).toBeVisible()
  await expect(drawer.getByText(`starts when job ${steps[0].parentJobId} is done`)).toBeVisible()
  expect(problems).toEqual([])
})
