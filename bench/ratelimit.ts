// A provider that allows 10 requests/s, and 2,000 jobs queued at once. The simulator enforces the limit
// (a token bucket, 429 + Retry-After beyond it); the poller is configured with the same rate. Measured: 429s
// received, and the request rate the provider saw while the poller had work queued, against the limit.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Core } from '../src/main/core/core'
import type { ProviderLimits } from '../src/main/core/jobs/runner'
import { MemorySettings } from '../src/main/core/settings/settings'
import { clockFrom, drawDuration, seedHistory, memoryTempDir, toScaled, type ClockSpec } from './lib'
import { remoteSimulator, SimHost } from './sims'
import { prng } from '../test/helpers/prng'

export interface RateOptions {
  scale: number
  jobs: number
  providerLimit: { perSecond: number; burst: number }
  limits: ProviderLimits
  seed: number
  log?: (line: string) => void
}

export interface RateResult {
  jobs: number
  done: number
  rateLimited429s: number
  apiRequests: number
  downloads: number
  /** API requests per second while submits were still waiting (the poller always had work). */
  saturatedRate: number
  saturatedSeconds: number
  /** API requests + downloads per second over the same window (what the poller's bucket counts). */
  saturatedTokenRate: number
  /** API requests per second from the first to the last one. */
  overallRate: number
  totalSeconds: number
  wallSeconds: number
}

export async function runRateLimit(o: RateOptions): Promise<RateResult> {
  const log = o.log ?? (() => undefined)
  const random = prng(o.seed)
  const spec: ClockSpec = { origin: Date.now(), scale: o.scale }
  const clock = clockFrom(spec)
  const prompts = Array.from({ length: o.jobs }, (_, i) => `rate limited job ${i}`)
  const durations = prompts.map((p) => [p, drawDuration('image', random)] as [string, number])
  const host = await SimHost.start()
  const dataDir = memoryTempDir('bs-bench-rate-')
  try {
    const urls = await host.startLanes(spec, [{ key: 'rate', durations, defaultDurationMs: 20_000, rateLimit: { ...o.providerLimit, retryAfterSeconds: 1 } }])
    const core = await Core.open({
      dataDir,
      settings: new MemorySettings({ outputRoot: join(dataDir, 'out') }),
      keys: { get: () => null },
      externalSimulator: remoteSimulator(urls.rate),
      clock,
      poller: { limits: () => o.limits }
    })
    seedHistory(
      core.store,
      Array.from({ length: 100 }, () => ({ kind: 'image' as const, model: 'images', durationMs: drawDuration('image', random) })),
      clock.now()
    )
    const wallStart = Date.now()
    await core.api.queuePrompts({ provider: 'demo', model: 'images', prompts, batchName: 'rate limited' })
    const progress = setInterval(() => {
      const c = core.store.statusCounts()
      log(`  rate limit: ${c.done} done, ${c.queued} queued, ${c.running} running`)
    }, 15_000)
    await new Promise((r) => setTimeout(r, 50))
    await core.poller.whenIdle()
    clearInterval(progress)
    const wallSeconds = (Date.now() - wallStart) / 1000
    const lastSubmitted = core.store['db'].prepare(`SELECT MAX(submitted_at) FROM jobs WHERE prompt LIKE 'rate limited job %'`).pluck().get() as number
    const done = core.store['db'].prepare(`SELECT COUNT(*) FROM jobs WHERE prompt LIKE 'rate limited job %' AND status = 'done'`).pluck().get() as number
    await core.close()

    const { lanes } = await host.report(['rate'])
    const lane = lanes[0]
    const api = lane.apiRequestTimes.map((t) => toScaled(spec, t)).sort((a, b) => a - b)
    const first = api[0]
    const inWindow = api.filter((t) => t <= lastSubmitted).length
    const saturatedSeconds = (lastSubmitted - first) / 1000
    const downloadsInWindow = lane.downloadTimes.filter((t) => toScaled(spec, t) <= lastSubmitted).length
    return {
      jobs: o.jobs,
      done,
      rateLimited429s: lane.rateLimited429s,
      apiRequests: api.length,
      downloads: lane.downloads,
      saturatedRate: inWindow / saturatedSeconds,
      saturatedSeconds,
      saturatedTokenRate: (inWindow + downloadsInWindow) / saturatedSeconds,
      overallRate: api.length / ((api[api.length - 1] - first) / 1000),
      totalSeconds: (api[api.length - 1] - first) / 1000,
      wallSeconds
    }
  } finally {
    await host.close()
    await rm(dataDir, { recursive: true, force: true })
  }
}
