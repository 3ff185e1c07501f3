// The process crash.test.ts kills: it opens a real Core on CRASH_DATA_DIR against the simulator the test
// runs (DEMO_BASE_URL), queues the batch on its first start only (when the database has no job), runs
// until nothing is left to do, and exits 0. Every start after a SIGKILL resumes from the database alone.
import { join } from 'node:path'
import { Core } from '../../../src/main/core/core'
import { MemorySettings } from '../../../src/main/core/settings/settings'

const dataDir = process.env.CRASH_DATA_DIR
if (!dataDir || !process.env.DEMO_BASE_URL) throw new Error('crash-child needs CRASH_DATA_DIR and DEMO_BASE_URL')
// If the test process goes away (a timeout, a crash), do not outlive it.
process.on('disconnect', () => process.exit(1))
const jobs = Number(process.env.CRASH_JOBS ?? 300)
// Slow enough that the batch outlasts 20 kills (downloads from the files host do not wait for this budget).
const rate = Number(process.env.CRASH_RATE ?? 25)

const core = await Core.open({
  dataDir,
  settings: new MemorySettings({ outputRoot: join(dataDir, 'out'), defaultProvider: 'demo' }),
  keys: { get: () => null },
  // The demo's limits, only scaled to the test's pace; the strategy is the default one.
  poller: { limits: () => ({ rate, burst: 20, concurrency: 8 }) }
})
const existing = Object.values(core.store.statusCounts()).reduce((a, b) => a + b, 0)
if (existing === 0) {
  await core.api.queuePrompts({ provider: 'demo', prompts: Array.from({ length: jobs }, (_, i) => `crash test prompt number ${i}`), batchName: 'crash' })
}
process.send?.({ type: 'started', queued: existing === 0 })
await core.poller.whenIdle()
await core.close()
process.exit(0)
