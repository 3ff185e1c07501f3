// Polling strategies side by side, in one run, on one time-compressed workload.
//
// Every strategy gets its own simulator (the LetzAI protocol, with progress) and its own Core with a real
// SQLite library, and they all share one scaled clock, so each sees exactly the same jobs (same prompts,
// same durations, same arrival times) and its requests, latencies and 429s are its own. The simulators run
// in a process of their own (sim-host.ts), the Cores in this one. HTTP is real (loopback); only time is
// compressed.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { modelInfo, providerInfo } from '../src/shared/catalogue'
import { promptPng } from '../src/main/demo/media'
import { Core } from '../src/main/core/core'
import { docsStrategy } from '../src/main/core/providers/registry'
import type { Clock } from '../src/main/core/scheduling/clock'
import { adaptive, defaultStrategy, exponential, fixed, type PollContext, type PollStrategy } from '../src/main/core/scheduling/strategies'
import { MemorySettings } from '../src/main/core/settings/settings'
import { clockFrom, drawClass, drawDuration, makeWorkload, MODEL_OF, percentile, seedHistory, memoryTempDir, type ClockSpec, type Kind } from './lib'
import type { ShapeName } from './progress-shapes'
import { remoteSimulator, SimHost } from './sims'
import { prng } from '../test/helpers/prng'

export interface StrategyEntry {
  key: string
  label: string
  /** Where the recipe comes from. */
  source: string
  /** Built once per lane, on the lane's clock (the learned strategy remembers a job's readings by its submit time). */
  make: (clock: Clock) => PollStrategy
  /** Whether the strategy is told the provider's progress (the simulator always sends it). */
  hideProgress?: boolean
}

/** A strategy that is never shown progress: what the learned one does against a provider without it. */
function withoutProgress(s: PollStrategy): PollStrategy {
  const strip = (ctx: PollContext): PollContext => ({ ...ctx, progress: null })
  return { name: `${s.name} (no progress)`, firstDelayMs: (ctx) => s.firstDelayMs(strip(ctx)), nextDelayMs: (ctx) => s.nextDelayMs(strip(ctx)) }
}

/** APIXO's table is per model: the image jobs get nano-banana's row, the video jobs veo-3-1's. */
function apixoTable(): PollStrategy {
  const image = modelInfo('apixo', 'nano-banana')!.timing
  const video = modelInfo('apixo', 'veo-3-1')!.timing
  const pick = (ctx: PollContext): PollContext => ({ ...ctx, timing: ctx.timing.max > 300 ? video : image })
  return {
    name: 'adaptive per model (APIXO table)',
    firstDelayMs: (ctx) => adaptive.firstDelayMs(pick(ctx)),
    nextDelayMs: (ctx) => adaptive.nextDelayMs(pick(ctx))
  }
}

export const STRATEGIES: StrategyEntry[] = [
  { key: 'fal', label: 'fixed 0.5 s', source: 'fal.ai JS client (low-latency reference)', make: () => fixed(500) },
  { key: 'letzai', label: 'fixed 3 s', source: "LetzAI guide (the docs' fixed interval)", make: () => docsStrategy('letzai') },
  { key: 'bfl-exp', label: '0.5 s ×2 cap 10 s +0–10 % jitter', source: 'BFL guide, "recommended"', make: () => docsStrategy('bfl') },
  { key: 'bfl-wc', label: '1 s ×1.5 cap 5 s', source: 'BFL client example = Wondercat guide', make: () => docsStrategy('wondercat') },
  { key: 'bfl-adaptive', label: 'Pending → 2 s', source: 'BFL guide, "adaptive"', make: () => fixed(2000) },
  { key: 'apixo-table', label: 'initial/interval per model', source: 'APIXO guide, adaptive (nano-banana 5/3 s, veo-3-1 45/10 s)', make: apixoTable },
  {
    key: 'apixo-backoff',
    label: '2 s ×1.5 cap 30 s',
    source: 'APIXO guide, exponential backoff',
    make: () => exponential({ initialMs: 2000, factor: 1.5, capMs: 30_000 })
  },
  { key: 'umrgen', label: 'queued 3 s / running 2 s', source: 'UMRGEN guide', make: () => docsStrategy('umrgen') },
  { key: 'learned', label: 'learned (ours)', source: "history + progress; the app's default", make: (clock) => defaultStrategy({ now: clock.now }) },
  {
    key: 'learned-np',
    label: 'learned, no progress',
    source: 'the same, never shown progress',
    make: (clock) => withoutProgress(defaultStrategy({ now: clock.now })),
    hideProgress: true
  }
]

/** The docs' backoff recipes the learned strategy must beat on both axes. */
export const BACKOFF_KEYS = ['bfl-exp', 'bfl-wc', 'apixo-backoff']

export interface StrategyResult {
  key: string
  label: string
  source: string
  jobs: number
  done: number
  statusRequestsPerJob: number
  /** Status requests per job by duration class (fast 1–5 s, images 10–30 s, videos 30–120 s). */
  perClass: Partial<Record<'fast' | 'image' | 'video', { jobs: number; statusRequestsPerJob: number; p95: number; max: number }>>
  p50: number
  p95: number
  max: number
  rateLimited429s: number
  /** Status requests per uncompressed second, averaged over the run. */
  requestRate: number
}

export interface CompareOptions {
  scale: number
  jobs: number
  imageShare: number
  /** Share of fast jobs (1–5 s, same model as the images); default none. */
  fastShare?: number
  /** How the simulators report progress (bench/progress-shapes.ts); default the simulator's own. */
  shape?: ShapeName
  meanGapMs: number
  historyPerModel: number
  seed: number
  /** The provider's limit, per strategy (each has its own simulator). */
  providerLimit: { perSecond: number; burst: number }
  keys?: string[]
  log?: (line: string) => void
}

export interface CompareReport {
  options: CompareOptions
  results: StrategyResult[]
  wallSeconds: number
  /** Main event loop of the benchmark process during the run (real ms). */
  loopLagP99Ms: number
  loopLagMaxMs: number
  /** The simulators' process, same measure. */
  simLoopLagP99Ms: number
  simLoopLagMaxMs: number
  /** How late the pollers' timers fired (real ms). */
  timerLateP50Ms: number
  timerLateP99Ms: number
  timerLateMaxMs: number
}

interface Lane {
  entry: StrategyEntry
  core: Core
  dataDir: string
  /** The picture every video job starts from (LetzAI's videos need one). */
  videoInput: string
}

export async function compareStrategies(o: CompareOptions): Promise<CompareReport> {
  const log = o.log ?? (() => undefined)
  const entries = STRATEGIES.filter((s) => !o.keys || o.keys.includes(s.key))
  const spec: ClockSpec = { origin: Date.now(), scale: o.scale }
  // The Cores' clock, watched: how late their timers (the poller's one timer each) fire, in real ms.
  const lateness: number[] = []
  const base = clockFrom(spec)
  const clock: Clock = {
    now: base.now,
    setTimer(fn, ms) {
      const due = Date.now() + Math.max(0, ms) / o.scale
      return base.setTimer(() => {
        lateness.push(Date.now() - due)
        fn()
      }, ms)
    }
  }
  const workload = makeWorkload({ jobs: o.jobs, imageShare: o.imageShare, fastShare: o.fastShare, meanGapMs: o.meanGapMs, seed: o.seed })
  // The same history for every library: earlier jobs of each model, drawn from the same distributions.
  const historyRandom = prng(o.seed + 1)
  const history = (['image', 'video'] as Kind[]).flatMap((kind) =>
    Array.from({ length: o.historyPerModel }, () => {
      // The images model's history holds its fast jobs too, in the workload's proportion.
      const fast = kind === 'image' && o.fastShare ? drawClass(historyRandom() * (o.fastShare + o.imageShare), o.imageShare, o.fastShare) === 'fast' : false
      return { kind, model: MODEL_OF[kind], durationMs: drawDuration(fast ? 'fast' : kind, historyRandom) }
    })
  )
  // A thumbnail is made after every image download; load sharp now, not in the middle of the measurement.
  await import('sharp')

  const host = await SimHost.start()
  const urls = await host.startLanes(
    spec,
    entries.map((e) => ({
      key: e.key,
      shape: o.shape,
      durations: workload.map((w) => [w.prompt, w.durationMs] as [string, number]),
      defaultDurationMs: 10_000,
      rateLimit: { ...o.providerLimit, retryAfterSeconds: 1 }
    }))
  )
  const lanes: Lane[] = []
  for (const entry of entries) {
    const dataDir = memoryTempDir(`bs-bench-${entry.key}-`)
    const strategy = entry.make(clock)
    const core = await Core.open({
      dataDir,
      settings: new MemorySettings({ outputRoot: join(dataDir, 'out') }),
      keys: { get: () => null },
      externalSimulator: remoteSimulator(urls[entry.key]),
      clock,
      poller: { strategy: () => strategy, limits: (provider) => providerInfo(provider).limits }
    })
    seedHistory(core.store, history, clock.now())
    const videoInput = join(dataDir, 'video-input.png')
    await writeFile(videoInput, promptPng('bench video input'))
    if (process.env.BENCH_DEBUG) {
      const store = core.store as unknown as Record<string, (...a: unknown[]) => unknown>
      for (const name of ['transition', 'job', 'recentDurations', 'insertAsset']) {
        const orig = store[name].bind(core.store)
        store[name] = (...a: unknown[]) => {
          const t = performance.now()
          try {
            return orig(...a)
          } finally {
            const d = performance.now() - t
            if (d > 50) log(`  slow ${name} in ${entry.key}: ${d.toFixed(0)} ms at ${new Date().toISOString().slice(11, 23)}`)
          }
        }
      }
    }
    lanes.push({ entry, core, dataDir, videoInput })
  }

  const lag = monitorEventLoopDelay({ resolution: 1 })
  lag.enable()
  const started = clock.now()
  const wallStart = Date.now()
  // Arrivals: every lane queues the same prompt at the same (compressed) moment.
  let next = 0
  const allQueued = new Promise<void>((resolve) => {
    const tick = () => {
      const now = clock.now() - started
      while (next < workload.length && workload[next].arriveAtMs <= now) {
        const w = workload[next++]
        for (const lane of lanes) {
          void lane.core.api.queuePrompts({
            provider: 'demo',
            model: MODEL_OF[w.kind],
            prompts: [w.prompt],
            batchName: `bench ${w.index}`,
            ...(w.kind === 'video' ? { inputs: [{ path: lane.videoInput }] } : {})
          })
        }
      }
      if (next < workload.length) clock.setTimer(tick, workload[next].arriveAtMs - (clock.now() - started))
      else resolve()
    }
    tick()
  })
  const progress = setInterval(() => log(`  strategies: ${next}/${workload.length} queued, ${Math.round((clock.now() - started) / 1000)} s simulated`), 15_000)
  await allQueued
  // Queued jobs are in the poller before queuePrompts resolves; wait for every lane to run dry.
  await new Promise((r) => setTimeout(r, 50))
  await Promise.all(lanes.map((l) => l.core.poller.whenIdle()))
  clearInterval(progress)
  lag.disable()
  const wallSeconds = (Date.now() - wallStart) / 1000
  const simulatedSeconds = (clock.now() - started) / 1000

  const hostReport = await host.report()
  const reports = new Map(hostReport.lanes.map((r) => [r.key, r]))
  const results: StrategyResult[] = []
  for (const lane of lanes) {
    const report = reports.get(lane.entry.key)!
    const readyAt = new Map(report.jobs.map((j) => [j.id, j.readyAt]))
    const seenAt = new Map(report.jobs.map((j) => [j.id, j.firstSeenReadyAt]))
    const rows = lane.core.store['db']
      .prepare<[], { status: string; prompt: string; provider_job_id: string | null; ready_at: number | null }>(
        `SELECT status, prompt, provider_job_id, ready_at FROM jobs WHERE prompt LIKE 'bench %'`
      )
      .all()
    const latencies: number[] = []
    const polls = new Map(report.jobs.map((j) => [j.id, j.polls]))
    const classes: Record<string, { jobs: number; requests: number; latencies: number[] }> = {}
    for (const r of rows) {
      const ready = r.provider_job_id ? readyAt.get(r.provider_job_id) : undefined
      const cls = (classes[r.prompt.split(' ')[1]] ??= { jobs: 0, requests: 0, latencies: [] })
      cls.jobs++
      cls.requests += r.provider_job_id ? (polls.get(r.provider_job_id) ?? 0) : 0
      if (r.ready_at !== null && ready !== undefined) {
        latencies.push((r.ready_at - ready) / 1000)
        cls.latencies.push((r.ready_at - ready) / 1000)
      }
    }
    if (process.env.BENCH_DEBUG) {
      const worst = rows
        .filter((r) => r.ready_at !== null && r.provider_job_id)
        .map((r) => [
          Math.round((readyAt.get(r.provider_job_id!)! - started) / 1000),
          (r.ready_at! - readyAt.get(r.provider_job_id!)!) / 1000,
          (r.ready_at! - seenAt.get(r.provider_job_id!)!) / 1000
        ])
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
      log(`  ${lane.entry.key} worst [ready s, latency s]: ${JSON.stringify(worst)}`)
    }
    results.push({
      key: lane.entry.key,
      label: lane.entry.label,
      source: lane.entry.source,
      jobs: rows.length,
      done: rows.filter((r) => r.status === 'done').length,
      statusRequestsPerJob: report.statusRequests / rows.length,
      perClass: Object.fromEntries(
        Object.entries(classes).map(([k, c]) => [
          k,
          { jobs: c.jobs, statusRequestsPerJob: c.requests / c.jobs, p95: percentile(c.latencies, 0.95), max: Math.max(...c.latencies) }
        ])
      ),
      p50: percentile(latencies, 0.5),
      p95: percentile(latencies, 0.95),
      max: Math.max(...latencies),
      rateLimited429s: report.rateLimited429s,
      requestRate: report.statusRequests / simulatedSeconds
    })
  }
  for (const lane of lanes) {
    await lane.core.close()
    await rm(lane.dataDir, { recursive: true, force: true })
  }
  await host.close()
  log(`  simulator process loop lag p99 ${hostReport.loopLagP99Ms.toFixed(1)} ms, max ${hostReport.loopLagMaxMs.toFixed(1)} ms`)
  return {
    options: o,
    results,
    wallSeconds,
    loopLagP99Ms: lag.percentile(99) / 1e6,
    loopLagMaxMs: lag.max / 1e6,
    simLoopLagP99Ms: hostReport.loopLagP99Ms,
    simLoopLagMaxMs: hostReport.loopLagMaxMs,
    timerLateP50Ms: percentile(lateness, 0.5),
    timerLateP99Ms: percentile(lateness, 0.99),
    timerLateMaxMs: Math.max(...lateness)
  }
}
