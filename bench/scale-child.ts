// The app's core with a library of 10,000 running jobs, started fresh in this process (scale.ts spawns it):
// it opens the library, resumes every job, and polls the simulator for BENCH_SECONDS while measuring its
// own event-loop lag and resident memory. It reports over IPC and exits.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { join } from 'node:path'
import type { ProviderLimits } from '../src/main/core/jobs/runner'

// Measure from the first line that runs.
const lag = monitorEventLoopDelay({ resolution: 1 })
lag.enable()
let rssMax = process.memoryUsage().rss
const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 100)

const { Core } = await import('../src/main/core/core')
const { MemorySettings } = await import('../src/main/core/settings/settings')

const dataDir = process.env.BENCH_DATA_DIR!
const seconds = Number(process.env.BENCH_SECONDS ?? 20)
const limits = process.env.BENCH_LIMITS ? (JSON.parse(process.env.BENCH_LIMITS) as ProviderLimits) : undefined

const openStart = performance.now()
const core = await Core.open({
  dataDir,
  settings: new MemorySettings({ outputRoot: join(dataDir, 'out') }),
  keys: { get: () => null },
  ...(limits ? { poller: { limits: () => limits } } : {})
})
const openedMs = performance.now()
const openMs = openedMs - openStart
// Steady state: from the moment every job is resumed.
const steady = monitorEventLoopDelay({ resolution: 1 })
steady.enable()

await new Promise((r) => setTimeout(r, seconds * 1000))

/** Median ms of five calls, made while the poller runs, as the window makes them. */
async function timed(call: () => Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < 5; i++) {
    const t = performance.now()
    await call()
    times.push(performance.now() - t)
  }
  return times.sort((a, b) => a - b)[2]
}
// What the Queue asks main for: its first page (200 rows, newest first), a page halfway down, the
// queued-only filter, the slowest sort, the status counts and the status bar's stats (every 2 s).
const { total } = await core.api.listJobs({ limit: 1 })
const queue = {
  firstPageMs: await timed(() => core.api.listJobs({ offset: 0, limit: 200 })),
  middlePageMs: await timed(() => core.api.listJobs({ offset: Math.floor(total / 2), limit: 200 })),
  queuedFilterMs: await timed(() => core.api.listJobs({ status: ['queued'], offset: 0, limit: 200 })),
  elapsedSortMs: await timed(() => core.api.listJobs({ sort: 'elapsed', dir: 'desc', offset: 0, limit: 200 })),
  statusCountsMs: await timed(() => core.api.getStatusCounts(undefined)),
  statsMs: await timed(() => core.api.getStats(undefined))
}
clearInterval(rssTimer)
lag.disable()
steady.disable()
const stats = core.poller.stats()
const mem = process.memoryUsage()
rssMax = Math.max(rssMax, mem.rss)
process.send!({
  timeOrigin: performance.timeOrigin,
  openMs,
  /** ms from this process's start to Core.open() returning. */
  openedAfterMs: openedMs,
  lagP99Ms: lag.percentile(99) / 1e6,
  lagMaxMs: lag.max / 1e6,
  steadyLagP50Ms: steady.percentile(50) / 1e6,
  steadyLagP99Ms: steady.percentile(99) / 1e6,
  steadyLagMaxMs: steady.max / 1e6,
  rssMaxMb: rssMax / 2 ** 20,
  rssEndMb: mem.rss / 2 ** 20,
  heapUsedMb: mem.heapUsed / 2 ** 20,
  scheduled: stats.scheduled,
  queue,
  measuredSeconds: seconds
})
await core.close()
process.exit(0)
