// The process budget-crash.test.ts kills: a real Core on BUDGET_DATA_DIR against the test's simulator
// (DEMO_BASE_URL) with 32 requests in flight; on its first start it queues BUDGET_JOBS Demo jobs as one batch
// capped at BUDGET_CAP dollars, then runs until nothing is left to do (the jobs over the cap wait, unscheduled)
// and exits 0. Every start after a SIGKILL resumes from the database alone.
import { join } from 'node:path'
import { Core } from '../../../../src/main/core/core'
import { MemorySettings } from '../../../../src/main/core/settings/settings'

const dataDir = process.env.BUDGET_DATA_DIR
if (!dataDir || !process.env.DEMO_BASE_URL) throw new Error('budget-crash-child needs BUDGET_DATA_DIR and DEMO_BASE_URL')
process.on('disconnect', () => process.exit(1))

const core = await Core.open({
  dataDir,
  settings: new MemorySettings({ outputRoot: join(dataDir, 'out'), defaultProvider: 'demo' }),
  keys: { get: () => null },
  poller: { limits: () => ({ rate: 1000, burst: 1000, concurrency: 32 }), globalConcurrency: 64 }
})
if ((core.store['db'].prepare('SELECT COUNT(*) FROM jobs').pluck().get() as number) === 0) {
  const prompts = Array.from({ length: Number(process.env.BUDGET_JOBS) }, (_, i) => `budget crash prompt ${i}`)
  await core.api.queuePrompts({ provider: 'demo', prompts, batchName: 'budget', budget: { amount: Number(process.env.BUDGET_CAP), currency: 'usd' } })
}
process.send?.({ type: 'started' })
await core.poller.whenIdle()
await core.close()
process.exit(0)
