// 10,000 active jobs: a library pre-filled with 10,000 running jobs (written in one transaction) is opened by
// a fresh process (scale-child.ts), which resumes them all against the simulator. Measured: the time from
// that process's start to the first status request the simulator sees, its event-loop lag and its resident
// memory while it polls.
import { spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { openDb } from '../src/main/core/storage/db'
import { dbPath } from '../src/main/core/storage/paths'
import type { ProviderLimits } from '../src/main/core/jobs/runner'
import { Store } from '../src/main/core/storage/store'
import { drawDuration, seedHistory, tempDir } from './lib'
import { SimHost } from './sims'
import { prng } from '../test/helpers/prng'

export interface ScaleOptions {
  /** 'bundled': the child is bundled to one ESM file first and run by plain node, as the app ships (electron-vite
   *  bundles the main process); 'tsx': run from source through tsx's loader (slower start). */
  runtime: 'bundled' | 'tsx'
  /** Jobs running at the provider. */
  jobs: number
  /** Jobs queued in the library, not yet sent (a creator's overnight matrix); default none. */
  queued?: number
  seconds: number
  /** Poller limits for the demo provider; undefined = the app's defaults. */
  limits?: ProviderLimits
  seed: number
  log?: (line: string) => void
}

export interface ScaleResult {
  runtime: ScaleOptions['runtime']
  jobs: number
  queued: number
  limitsLabel: string
  fillMs: number
  /** Parent's spawn() → first status request at the simulator (wall ms). */
  spawnToFirstPollMs: number
  /** The child's own process start (performance.timeOrigin) → first status request. */
  processStartToFirstPollMs: number
  /** Child's start → Core.open() returned. */
  openedAfterMs: number
  openMs: number
  lagP99Ms: number
  lagMaxMs: number
  steadyLagP50Ms: number
  steadyLagP99Ms: number
  steadyLagMaxMs: number
  rssMaxMb: number
  heapUsedMb: number
  statusRequests: number
  requestsPerSecond: number
  measuredSeconds: number
  /** 1-minute load average of the machine when the process was started. */
  load1: number
  /** Costs of the start-up and per-poll queries on this library (ms, median of 5), measured after the run. */
  queries: QueryCosts
  /** The Queue's calls to main while the poller runs (ms, median of 5). */
  queue: QueueCosts
}

export interface QueueCosts {
  firstPageMs: number
  middlePageMs: number
  queuedFilterMs: number
  elapsedSortMs: number
  statusCountsMs: number
  statsMs: number
}

/** What Core.open runs on the library before the first poll (the queue itself is read a slice per tick after it). */
export interface QueryCosts {
  activeBatchIdsMs: number
  resumableScheduleMs: number
  queueSliceMs: number
  recentDurationsMs: number
}

function median(fn: () => void, runs = 5): number {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    fn()
    times.push(performance.now() - t)
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]
}

/** What Core.open and every poll ask of the library. */
function measureQueries(file: string): QueryCosts {
  const db = openDb(file)
  try {
    const store = new Store(db)
    return {
      activeBatchIdsMs: median(() => store.activeBatchIds()),
      resumableScheduleMs: median(() => store.resumableSchedule()),
      queueSliceMs: median(() => store.queuedSchedule(0, 500)),
      recentDurationsMs: median(() => store.recentDurations('demo', 'images'), 21)
    }
  } finally {
    db.close()
  }
}

const CHILD = fileURLToPath(new URL('./scale-child.ts', import.meta.url))

/** Bundles scale-child.ts (esbuild, which tsx brings along) next to node_modules so its externals resolve. */
async function bundleChild(): Promise<string> {
  const { build } = await import('esbuild')
  const outfile = fileURLToPath(new URL('../node_modules/.cache/batch-studio-bench/scale-child.mjs', import.meta.url))
  await build({
    entryPoints: [CHILD],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    external: ['better-sqlite3', 'sharp'],
    banner: { js: "import { createRequire as __bsRequire } from 'node:module'; const require = __bsRequire(import.meta.url);" },
    logLevel: 'warning'
  })
  return outfile
}

export async function runScale(o: ScaleOptions): Promise<ScaleResult> {
  const log = o.log ?? (() => undefined)
  const random = prng(o.seed)
  const host = await SimHost.start()
  const dataDir = tempDir('bs-bench-scale-')
  try {
    const urls = await host.startLanes({ origin: Date.now(), scale: 1 }, [{ key: 'scale', durations: [], defaultDurationMs: 3_600_000 }])
    // The provider knows every job (they run for an hour, so all stay active during the measurement).
    const ids = await host.createJobs('scale', o.jobs, 'images', 'image', 3_600_000)

    const db = openDb(dbPath(dataDir))
    const store = new Store(db)
    const now = Date.now()
    const fillStart = performance.now()
    db.transaction(() => {
      const batchId = store.createBatch('10,000 running', `${dataDir}/out/running`)
      const insert = db.prepare(
        `INSERT INTO jobs (batch_id, provider, model, kind, prompt, params_json, status, progress, polls, provider_job_id, provider_ref_json, raw_status, next_poll_at, submitted_at, created_at, updated_at)
         VALUES (?, 'demo', 'images', 'image', ?, '{}', 'running', ?, ?, ?, ?, 'generating', ?, ?, ?, ?)`
      )
      const event = db.prepare(`INSERT INTO job_events (job_id, at, type, message) VALUES (?, ?, 'submitted', ?)`)
      ids.forEach((id, i) => {
        const submittedAt = now - Math.round(random() * 120_000)
        // As the app left them: some polls overdue (it was closed), most due within the next half minute.
        const nextPollAt = now + Math.round(-5_000 + random() * 35_000)
        const jobId = Number(
          insert.run(
            batchId,
            `resumed job ${i}`,
            random() * 0.5,
            Math.floor(random() * 10),
            id,
            JSON.stringify({ id, endpoint: 'images' }),
            nextPollAt,
            submittedAt,
            submittedAt - 1000,
            submittedAt
          ).lastInsertRowid
        )
        event.run(jobId, submittedAt, `Accepted as ${id}`)
      })
      // Waiting their turn, in one batch of their own, as a big queue action leaves them.
      const queuedBatch = store.createBatch('overnight matrix', `${dataDir}/out/matrix`)
      const queue = db.prepare(
        `INSERT INTO jobs (batch_id, provider, model, kind, prompt, params_json, status, polls, next_poll_at, created_at, updated_at)
         VALUES (?, 'demo', 'images', 'image', ?, '{}', 'queued', 0, ?, ?, ?)`
      )
      for (let i = 0; i < (o.queued ?? 0); i++) queue.run(queuedBatch, `matrix prompt ${i}`, now, now - 60_000, now - 60_000)
    })()
    const fillMs = performance.now() - fillStart
    // And the history a library with 10,000 active jobs would have.
    seedHistory(
      store,
      Array.from({ length: 200 }, () => ({ kind: 'image' as const, model: 'images', durationMs: drawDuration('image', random) })),
      now
    )
    db.close()
    log(`  scale: ${o.jobs} running and ${o.queued ?? 0} queued jobs written in ${fillMs.toFixed(0)} ms; starting the app process`)

    const entry = o.runtime === 'bundled' ? [await bundleChild()] : ['--import', 'tsx', CHILD]
    const load1 = loadavg()[0]
    const spawnedAt = Date.now()
    const child = spawn(process.execPath, [...(process.env.BENCH_CHILD_ARGS?.split(' ').filter(Boolean) ?? []), ...entry], {
      env: {
        ...process.env,
        BENCH_DATA_DIR: dataDir,
        DEMO_BASE_URL: urls.scale,
        BENCH_SECONDS: String(o.seconds),
        ...(o.limits ? { BENCH_LIMITS: JSON.stringify(o.limits) } : {})
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    const report = await new Promise<Record<string, number> & { queue: QueueCosts }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as Record<string, number> & { queue: QueueCosts }))
      child.once('exit', (code) => reject(new Error(`scale child exited (${code}) before reporting`)))
    })
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r))
    const { lanes } = await host.report(['scale'])
    const times = lanes[0].apiRequestTimes.filter((t) => t >= spawnedAt).sort((a, b) => a - b)
    const first = times[0] ?? NaN
    return {
      runtime: o.runtime,
      jobs: o.jobs,
      queued: o.queued ?? 0,
      limitsLabel: o.limits ? `${o.limits.rate}/s, burst ${o.limits.burst}, ${o.limits.concurrency} in flight` : 'app defaults (50/s, burst 100, 32 in flight)',
      fillMs,
      spawnToFirstPollMs: first - spawnedAt,
      processStartToFirstPollMs: first - report.timeOrigin,
      openedAfterMs: report.openedAfterMs,
      openMs: report.openMs,
      lagP99Ms: report.lagP99Ms,
      lagMaxMs: report.lagMaxMs,
      steadyLagP50Ms: report.steadyLagP50Ms,
      steadyLagP99Ms: report.steadyLagP99Ms,
      steadyLagMaxMs: report.steadyLagMaxMs,
      rssMaxMb: report.rssMaxMb,
      heapUsedMb: report.heapUsedMb,
      statusRequests: lanes[0].statusRequests,
      requestsPerSecond: lanes[0].statusRequests / ((report.timeOrigin + report.openedAfterMs + o.seconds * 1000 - first) / 1000),
      measuredSeconds: o.seconds,
      load1,
      queries: measureQueries(dbPath(dataDir)),
      queue: report.queue
    }
  } finally {
    await host.close()
    await rm(dataDir, { recursive: true, force: true })
  }
}
