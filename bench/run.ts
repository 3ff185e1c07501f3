// `npm run bench`: the polling strategies side by side, 10,000 active jobs, a rate-limited provider, and the
// strategies on seven progress shapes (bench/shapes.ts, its own section of BENCHMARKS.md).
// Prints the tables and writes BENCHMARKS.md at the repository root with what this run measured.
// BENCH_QUICK=1 runs a small version of everything (a smoke test of the harness; its numbers mean little).
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, getPriority, loadavg, setPriority, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { fmt, table } from './lib'
import { runRateLimit, type RateOptions, type RateResult } from './ratelimit'
import { runScale, type ScaleOptions, type ScaleResult } from './scale'
import { runShapes, SHAPE_KEYS, SHAPE_OPTIONS, shapeTable, verdictTable, writeShapeSection } from './shapes'
import { walkAllShapes } from './shapes-clock'
import { BACKOFF_KEYS, compareStrategies, type CompareOptions, type CompareReport, type StrategyResult } from './strategies'

const quick = process.env.BENCH_QUICK === '1'
const log = (line: string) => console.log(line)

const COMPARE: CompareOptions = {
  scale: 5,
  jobs: quick ? 60 : 300,
  imageShare: 2 / 3,
  meanGapMs: 3500,
  historyPerModel: 100,
  seed: 42,
  providerLimit: { perSecond: 20, burst: 40 },
  log
}
const SCALE: Omit<ScaleOptions, 'runtime' | 'seconds' | 'limits'> = { jobs: 10_000, seed: 7, log }
/** The first two are the measurement against the targets (the app as it ships, default limits), twice. */
const SCALE_RUNS: Pick<ScaleOptions, 'runtime' | 'seconds' | 'limits'>[] = [
  { runtime: 'bundled', seconds: quick ? 5 : 15 },
  { runtime: 'bundled', seconds: quick ? 5 : 15 },
  { runtime: 'tsx', seconds: 5 },
  { runtime: 'bundled', seconds: quick ? 5 : 10, limits: { rate: 500, burst: 500, concurrency: 64 } }
]
const MAIN_SCALE_RUNS = 2
const RATE: RateOptions = {
  scale: 6,
  jobs: quick ? 300 : 2000,
  providerLimit: { perSecond: 10, burst: 10 },
  // burst + concurrency ≤ the provider's burst: even if every request in flight lands at once, then the
  // bucket's burst, the provider has the tokens for them.
  limits: { rate: 10, burst: 5, concurrency: 4 },
  seed: 11,
  log
}

const byKey = (r: CompareReport, key: string) => r.results.find((x) => x.key === key)!
const ratio = (a: number, b: number) => `${fmt(a / b)}×`
const ok = (pass: boolean) => (pass ? '**met**' : '**missed**')

interface Verdicts {
  fixedRatio: number
  fixedTarget: boolean
  backoffs: { r: StrategyResult; fewer: boolean; faster: boolean }[]
}

function verdicts(report: CompareReport, key: string): Verdicts {
  const ours = byKey(report, key)
  const fixed3 = byKey(report, 'letzai')
  const fixedRatio = ours.statusRequestsPerJob / fixed3.statusRequestsPerJob
  return {
    fixedRatio,
    fixedTarget: fixedRatio <= 0.6 && ours.p95 <= fixed3.p95,
    backoffs: BACKOFF_KEYS.map((k) => byKey(report, k)).map((r) => ({ r, fewer: ours.statusRequestsPerJob < r.statusRequestsPerJob, faster: ours.p95 < r.p95 }))
  }
}

function strategyTable(report: CompareReport): string {
  const fixed3 = byKey(report, 'letzai')
  return table(
    ['strategy', 'recipe from', 'status req/job', 'vs fixed 3 s', 'detection p50 (s)', 'p95 (s)', 'max (s)', '429s', 'status req/s'],
    report.results.map((r) => [
      r.label,
      r.source,
      fmt(r.statusRequestsPerJob),
      ratio(r.statusRequestsPerJob, fixed3.statusRequestsPerJob),
      fmt(r.p50),
      fmt(r.p95),
      fmt(r.max, 1),
      r.rateLimited429s,
      fmt(r.requestRate)
    ])
  )
}

function claims(report: CompareReport, key: string, name: string): string[] {
  const ours = byKey(report, key)
  const fixed3 = byKey(report, 'letzai')
  const v = verdicts(report, key)
  const lines = [
    `- ${name} vs the docs' fixed interval (LetzAI, 3 s): **${fmt(v.fixedRatio)}× the status requests** (${fmt(ours.statusRequestsPerJob)} vs ${fmt(fixed3.statusRequestsPerJob)} per job, ${fmt((1 - v.fixedRatio) * 100, 0)} % fewer) at p95 ${fmt(ours.p95)} s vs ${fmt(fixed3.p95)} s. Target (≥ 40 % fewer at an equal or lower p95): ${ok(v.fixedTarget)}.`
  ]
  for (const b of v.backoffs) {
    lines.push(
      `- ${name} vs ${b.r.label} (${b.r.source}): ${ratio(ours.statusRequestsPerJob, b.r.statusRequestsPerJob)} the status requests (${fmt(ours.statusRequestsPerJob)} vs ${fmt(b.r.statusRequestsPerJob)}), p95 ${fmt(ours.p95)} s vs ${fmt(b.r.p95)} s. Beats it on both axes: ${ok(b.fewer && b.faster)}.`
    )
  }
  return lines
}

function scaleTable(results: ScaleResult[]): string {
  return table(
    [
      'app process',
      'poller limits',
      'load avg',
      'start → first poll (ms)',
      'of which Core.open (ms)',
      'loop lag p99, steady (ms)',
      'p99 incl. start-up (ms)',
      'max (ms)',
      'RSS max (MB)',
      'status req/s'
    ],
    results.map((r) => [
      r.runtime === 'bundled' ? 'bundled, plain node' : 'tsx (from source)',
      r.limitsLabel,
      fmt(r.load1, 1),
      fmt(r.spawnToFirstPollMs, 0),
      fmt(r.openMs, 0),
      fmt(r.steadyLagP99Ms, 1),
      fmt(r.lagP99Ms, 1),
      fmt(r.steadyLagMaxMs, 0),
      fmt(r.rssMaxMb, 0),
      fmt(r.requestsPerSecond, 0)
    ])
  )
}

function markdown(o: {
  command: string
  startedAt: Date
  wallSeconds: number
  loadBefore: number[]
  loadAfter: number[]
  priority: string
  compare: CompareReport
  scale: ScaleResult[]
  rate: RateResult
}): string {
  const { compare, scale, rate } = o
  const learned = verdicts(compare, 'learned')
  const np = verdicts(compare, 'learned-np')
  const mains = scale.slice(0, MAIN_SCALE_RUNS)
  const main = mains.reduce((worst, r) => (r.spawnToFirstPollMs > worst.spawnToFirstPollMs ? r : worst))
  const q = mains[0].queries
  const count = (pass: (r: ScaleResult) => boolean) => mains.filter(pass).length
  const startRuns = count((r) => r.spawnToFirstPollMs < 1000)
  const lagRuns = count((r) => r.steadyLagP99Ms < 20)
  const rssRuns = count((r) => r.rssMaxMb < 250)
  const startOk = startRuns === mains.length
  const lagOk = lagRuns === mains.length
  const rssOk = rssRuns === mains.length
  const inRuns = (n: number) => (n === mains.length ? `**met** in ${n} of ${mains.length} runs` : `**missed** (met in ${n} of ${mains.length} runs)`)
  const list = (f: (r: ScaleResult) => string) => mains.map(f).join(' and ')
  const no429 = rate.rateLimited429s === 0
  const throughputOk = rate.saturatedRate >= 9
  const learnedAll = learned.fixedTarget && learned.backoffs.every((b) => b.fewer && b.faster)
  const missed: string[] = []
  if (!learnedAll) missed.push('- **Learned strategy targets**: see the lines marked missed above.')
  if (!startOk)
    missed.push(
      `- **Start → first resumed poll < 1 s**: ${list((r) => fmt(r.spawnToFirstPollMs, 0))} ms in this run's two measurements (load average ${list((r) => fmt(r.load1, 1))}); in the slower one Core.open took ${fmt(main.openMs, 0)} ms (the rest is Node starting and loading the bundle, and the first request). ` +
        `Before the first poll Core.open asks for the batches with unfinished jobs (${fmt(q.activeBatchIdsMs, 1)} ms here) and the jobs at the provider (${fmt(q.resumableScheduleMs, 1)} ms); the queue follows, a slice of 500 per tick (${fmt(q.queueSliceMs, 1)} ms each).`
    )
  if (!lagOk)
    missed.push(
      `- **Event-loop lag p99 < 20 ms at 10,000 active jobs**: ${list((r) => fmt(r.steadyLagP99Ms, 1))} ms (load average ${list((r) => fmt(r.load1, 1))}). Per poll the app reads the job (\`Store.job\`), writes its transition, and reads the model's history (\`Store.recentDurations\`: ${fmt(q.recentDurationsMs, 2)} ms at this size).`
    )
  if (!rssOk) missed.push(`- **RSS < 250 MB**: ${list((r) => fmt(r.rssMaxMb, 0))} MB.`)
  if (!no429) missed.push(`- **Zero 429s at a 10 requests/s provider**: ${rate.rateLimited429s} received.`)
  if (!throughputOk)
    missed.push(
      `- **Throughput within 10 % of the limit**: the provider served ${fmt(rate.saturatedRate)} API requests/s while submits were waiting (${fmt((rate.saturatedRate / 10) * 100, 0)} % of its 10/s); counting the result downloads, the poller made ${fmt(rate.saturatedTokenRate)} requests/s against its budget of 10. ` +
        `The poller's token bucket charges every download to the provider (poller.ts, \`pump()\`: \`p.bucket.tryTake(now)\` runs for whatever task is next, and the \`ProviderLimits\` doc says "every submit, status request and download takes one"), but result files come from the providers' delivery hosts, which the API limit does not cover (${rate.downloads} downloads here, one per job). ` +
        `Fix, in poller.ts \`pump()\`: look at the next item first and, when it is a download, launch it without \`tryTake\` and without waiting for \`holdUntil\` (its concurrency limit still applies); the whole budget would then go to the API. Not changed here.`
    )
  const lines = [
    '# Benchmarks',
    '',
    `Command: \`${o.command}\` (= \`tsx bench/run.ts\`; every run rewrites this part of the file). This run: ${o.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${fmt(o.wallSeconds, 0)} s wall, ` +
      `Node ${process.version}, ${cpus().length} CPU cores (${cpus()[0]?.model.trim() ?? 'unknown'}), ${fmt(totalmem() / 2 ** 30, 1)} GB RAM, load average ${o.loadBefore.map((l) => fmt(l, 1)).join('/')} before and ${o.loadAfter.map((l) => fmt(l, 1)).join('/')} after ` +
      `(the machine was shared with other work; the benchmark and its child processes ran at ${o.priority}, see "Noise" below).`,
    '',
    '## 1. Polling strategies',
    '',
    `**Workload.** ${compare.options.jobs} jobs on the LetzAI protocol (the Demo provider's): ${fmt(compare.options.imageShare * 100, 0)} % images taking 10–30 s, the rest videos taking 30–120 s (uniform; LetzAI's guide gives these typical times), ` +
      `queued one by one as a Poisson stream with a mean gap of ${compare.options.meanGapMs / 1000} s, so ${fmt((compare.options.jobs * compare.options.meanGapMs) / 1000 / 60, 0)} simulated minutes of a user feeding the app. Seed ${compare.options.seed}: every strategy gets exactly the same jobs, durations and arrival times.`,
    '',
    `**Setup.** One run, every strategy side by side: each has its own Core (real SQLite library, real downloads and thumbnails) and its own simulator, so requests, latencies and 429s are its own; ` +
      `the Cores run in the benchmark process, the simulators in a second process (as a provider is), over real loopback HTTP. Time is compressed ×${compare.options.scale} by one scaled clock shared by both processes (the poller's timers and token buckets, and the simulator's job clock); all times below are uncompressed seconds. ` +
      `The libraries and downloaded files are in memory (/dev/shm), see "Noise". Each simulator allows ${compare.options.providerLimit.perSecond} requests/s (burst ${compare.options.providerLimit.burst}, then 429 with Retry-After: 1); each Core uses the app's default limits for the demo provider (50/s, burst 100, 32 in flight), as it would against a provider that publishes no limit. The simulator reports \`progress\` 0–100 (LetzAI does).`,
    '',
    `**History (fair warm-up).** Before the run, every library (all strategies alike) gets the same ${compare.options.historyPerModel} finished jobs per model (images, videos), with submit→ready durations drawn from the workload's own distributions (seed ${compare.options.seed + 1}, independent of the measured jobs), written as \`done\` rows with \`submitted_at\`/\`ready_at\`. ` +
      "Only the learned strategy reads them (through `Store.recentDurations`, the 200 most recent); during the run its own finished jobs join that history. Detected durations include each strategy's detection latency, so the seeded rows are the one thing the learned strategy is given for free: exact durations, where its own history would carry its (small) detection latency.",
    '',
    "**Measures.** *Status requests per job*: GETs on a job the simulator received (including any answered 429), divided by the jobs. *Detection latency*: the `ready_at` the app wrote when a poll saw the job finished, minus the moment the simulator made it ready (`readyAt`), in uncompressed seconds; it includes the request's round trip and the app's processing. *429s*: answered by that strategy's simulator.",
    '',
    "**Strategies.** The docs' recipes are as the providers' guides write them (see `src/main/core/providers/registry.ts` and docs/providers.md): LetzAI fixed 3 s; BFL exponential 0.5 s ×2 capped at 10 s plus 0–10 % jitter, BFL's client example 1 s ×1.5 capped at 5 s (the same recipe as Wondercat's), BFL adaptive (2 s while Pending); APIXO adaptive per model (its table has no LetzAI models, so images get nano-banana's row, initial 5 s then every 3 s, and videos veo-3-1's, 45 s then 10 s) and APIXO backoff 2 s ×1.5 capped at 30 s; UMRGEN 3 s while queued, 2 s while running. The first poll of each recipe comes after its first delay (a poll at the moment of submitting would find nothing). fixed 0.5 s is the fal.ai JS client's interval, a low-latency reference. *learned* is the app's default strategy (`defaultStrategy`, keeping its default promise: each model's documented interval, 3 s here). *learned, no progress* is the same strategy never shown the progress field: what it does against a provider that reports none.",
    '',
    strategyTable(compare),
    '',
    `Event-loop lag during the run (real ms, including the 1 ms sampling interval): the Cores' process p99 ${fmt(compare.loopLagP99Ms, 1)}, max ${fmt(compare.loopLagMaxMs, 0)}; the simulators' process p99 ${fmt(compare.simLoopLagP99Ms, 1)}, max ${fmt(compare.simLoopLagMaxMs, 0)}; the pollers' timers fired late by p50 ${fmt(compare.timerLateP50Ms, 1)}, p99 ${fmt(compare.timerLateP99Ms, 0)}, max ${fmt(compare.timerLateMaxMs, 0)} (×${compare.options.scale} in simulated time). ${fmt(compare.wallSeconds, 0)} s wall for the run.`,
    '',
    '**Against the targets** (learned = with progress, the LetzAI protocol as the simulator speaks it):',
    '',
    ...claims(compare, 'learned', 'learned'),
    '',
    '**Without progress** (not a target; reported so the claim above is not read as more than it is):',
    '',
    ...claims(compare, 'learned-np', 'learned, no progress'),
    '',
    np.fixedTarget
      ? "Without progress the savings come only from the history: the first poll waits until the fastest jobs of the model can be done, and after that the strategy polls at the docs' interval."
      : "Without progress the savings come only from the history: the first poll waits until the fastest twentieth of the model's jobs can be done, and after that the strategy polls at the docs' interval, because history says when jobs *can* finish, not which job finishes when; so the p95 stays at the docs' interval and the saving is the polls before the earliest finish (fixed 3 s asks at 3, 6 and 9 s, before any 10–30 s image can be done).",
    '',
    "**How the learned strategy decides.** It keeps a latency promise (default: the model's documented interval): once a job can plausibly be finished it is polled at least every 0.92 × the promise. *Plausibly finished*: from the history (its 2nd percentile × 0.95, each duration taken a promise shorter since the app records when a job was seen ready; later, only across stretches of the history far emptier than chance) and, once the model's progress has proved readable (fine steps, never falling, linear), from the job's own readings. See the issue-19 section below for the progress shapes it was not tuned to.",
    '',
    '## 2. 10,000 active jobs',
    '',
    `A library with ${main.jobs.toLocaleString('en')} running jobs (written in one transaction: ${fmt(main.fillMs, 0)} ms), all known to the simulator and running for an hour, polls due between 5 s ago and 30 s ahead, plus 200 finished jobs of history. ` +
      "A fresh process opens it with a real Core (default strategy) and resumes every job. *Start → first poll*: from the benchmark's `spawn()` of that process to the first status request the simulator receives. *Loop lag*: `monitorEventLoopDelay` (1 ms resolution; values include that interval), steady state from Core.open returning until the end, and the whole process life. *RSS*: `process.memoryUsage().rss`, sampled every 100 ms, maximum. " +
      'The app ships bundled (electron-vite), so the main measurement bundles the process with esbuild and runs it with plain node; the tsx row shows the same from source.',
    '',
    scaleTable(scale),
    '',
    `Against the targets (the first ${mains.length} rows: bundled, app defaults): loop lag p99 < 20 ms: ${list((r) => `${fmt(r.steadyLagP99Ms, 1)}`)} ms steady (${list((r) => fmt(r.lagP99Ms, 1))} ms including start-up) — ${inRuns(lagRuns)}; RSS < 250 MB: ${list((r) => fmt(r.rssMaxMb, 0))} MB — ${inRuns(rssRuns)}; start → first resumed poll < 1 s: ${list((r) => fmt(r.spawnToFirstPollMs, 0))} ms — ${inRuns(startRuns)}.`,
    '',
    `Query costs on this library (median, ms): before the first poll, \`Store.activeBatchIds()\` ${fmt(q.activeBatchIdsMs, 1)} and \`Store.resumableSchedule()\` ${fmt(q.resumableScheduleMs, 1)}; after it, \`Store.queuedSchedule()\` ${fmt(q.queueSliceMs, 1)} per slice of 500; \`Store.recentDurations()\`, run for every poll, ${fmt(q.recentDurationsMs, 2)}. ` +
      `The last row is a stress case, not a target: with the poller allowed 500 requests/s, the process made about ${fmt(scale[scale.length - 1].requestsPerSecond, 0)} status requests/s with the loop lag shown.`,
    '',
    '## 3. A provider limited to 10 requests/s, 2,000 jobs',
    '',
    `${rate.jobs.toLocaleString('en')} image jobs (10–30 s) queued at once. The simulator allows ${RATE.providerLimit.perSecond} requests/s (token bucket, burst ${RATE.providerLimit.burst}; beyond it 429 with Retry-After: 1); the poller is configured with rate ${RATE.limits.rate}/s, burst ${RATE.limits.burst}, ${RATE.limits.concurrency} in flight; default strategy with 100 jobs of history. Time compressed ×${RATE.scale} (in trial runs at ×8 to ×20, the harness's own timing jitter, multiplied by the compression, cost a few 429s or unspent tokens). The library and the downloads are in memory (/dev/shm), as in section 1. ` +
      `*Throughput* is the API requests (submits and status requests) the simulator received per second while submits were still waiting, i.e. while the poller always had work (${fmt(rate.saturatedSeconds, 0)} s of the ${fmt(rate.totalSeconds, 0)} s run).`,
    '',
    table(
      ['429s received', 'API req/s while saturated', 'vs limit', 'incl. downloads (req/s)', 'API req/s overall', 'jobs done', 'API requests', 'downloads'],
      [
        [
          rate.rateLimited429s,
          fmt(rate.saturatedRate),
          `${fmt((rate.saturatedRate / 10) * 100, 0)} %`,
          fmt(rate.saturatedTokenRate),
          fmt(rate.overallRate),
          `${rate.done}/${rate.jobs}`,
          rate.apiRequests,
          rate.downloads
        ]
      ]
    ),
    '',
    `Against the targets: zero 429s — ${ok(no429)}; throughput within 10 % of the limit — ${ok(throughputOk)} (${fmt(rate.saturatedRate)} API requests/s of 10).`,
    '',
    '## Missed targets',
    '',
    ...(missed.length ? missed : ['None in this run.']),
    '',
    '## Noise',
    '',
    "Time compression multiplies every real delay: at ×5, 100 ms of real scheduling delay is half a second of detection latency. All strategies run in the same processes at the same time, so a stall hits them alike, but it raises everyone's p95 (the learned strategy's most, relatively, since its own p95 is small). The event-loop lags, timer lateness and load average above say how quiet the machine was during this run.",
    '',
    "Two measures against the other work on this shared 2-core machine, both from what earlier runs showed: (1) the benchmark and its child processes ask for nice −10: at normal priority, with the load average near 10, the simulators' process stalled for up to 4 s and every strategy's p95 came out near 20 s; (2) the strategy and rate-limit libraries live in memory: on the shared disk a single SQLite commit of one Core (`Store.transition`, at a WAL checkpoint's fsync) was seen to block its process for 1.0 s, i.e. 5 s of simulated time for every lane. The 10,000-job measurement keeps its library on the ordinary temp disk, since start-up and memory are what it measures.",
    ''
  ]
  return lines.join('\n')
}

const BEGIN = '<!-- Results of `npm run bench` (bench/run.ts rewrites everything between these markers; write elsewhere) -->'
const END = '<!-- End of `npm run bench` results -->'

/** Replaces this run's part of BENCHMARKS.md and keeps anything written outside the markers. */
function writeResults(doc: string): void {
  const file = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url))
  const block = `${BEGIN}\n${doc}\n${END}`
  let text = existsSync(file) ? readFileSync(file, 'utf8') : ''
  const a = text.indexOf(BEGIN)
  const b = text.indexOf(END)
  if (a >= 0 && b > a) text = text.slice(0, a) + block + text.slice(b + END.length)
  else text = text ? `${block}\n\n${text}` : `${block}\n`
  writeFileSync(file, text)
}

/**
 * On a machine shared with other work, a benchmark process that waits seconds for a CPU measures the
 * machine, not the app, and time compression multiplies the wait. Ask for a higher priority (nice −10;
 * child processes inherit it) where the OS allows; BENCH_NICE=0 keeps the normal one.
 */
function raisePriority(): string {
  const wanted = Number(process.env.BENCH_NICE ?? -10)
  try {
    if (wanted !== 0) setPriority(0, wanted)
  } catch {
    // Not permitted (an unprivileged user cannot lower nice values): run as is.
  }
  const nice = getPriority(0)
  return nice === 0 ? 'normal priority (nice 0)' : `nice ${nice}`
}

async function main(): Promise<void> {
  const priority = raisePriority()
  const startedAt = new Date()
  const t0 = Date.now()
  const loadBefore = loadavg()
  log(`Batch Studio benchmarks${quick ? ' (quick)' : ''} — ${cpus().length} cores, load ${loadBefore.map((l) => l.toFixed(1)).join('/')}, ${priority}`)

  log(`\n1. Polling strategies: ${COMPARE.jobs} jobs, ×${COMPARE.scale} time compression`)
  const compare = await compareStrategies(COMPARE)
  console.log(strategyTable(compare))
  for (const line of claims(compare, 'learned', 'learned')) log(line)

  log(`\n2. ${SCALE.jobs.toLocaleString('en')} active jobs`)
  const scale: ScaleResult[] = []
  for (const run of SCALE_RUNS) scale.push(await runScale({ ...SCALE, ...run }))
  console.log(scaleTable(scale))

  log(`\n3. Rate-limited provider: ${RATE.jobs} jobs at ${RATE.providerLimit.perSecond} requests/s`)
  const rate = await runRateLimit(RATE)
  log(
    `   429s: ${rate.rateLimited429s}; API requests/s while saturated: ${fmt(rate.saturatedRate)} (incl. downloads ${fmt(rate.saturatedTokenRate)}); overall ${fmt(rate.overallRate)}`
  )

  log('\n4. Progress shapes (issue 19)')
  const shapesStarted = new Date()
  const shapesLoad = loadavg()
  const shapes = await runShapes({ ...SHAPE_OPTIONS, log })
  for (const run of shapes) console.log(`\n${run.shape}\n${shapeTable(run)}`)
  console.log(`\n${verdictTable(shapes)}`)

  const wallSeconds = (Date.now() - t0) / 1000
  if (!quick)
    writeShapeSection(shapes, walkAllShapes(SHAPE_OPTIONS, SHAPE_KEYS), {
      command: 'npm run bench (section 4)',
      started: shapesStarted,
      loadBefore: shapesLoad,
      loadAfter: loadavg(),
      priority
    })
  const doc = markdown({ command: 'npm run bench', startedAt, wallSeconds, loadBefore, loadAfter: loadavg(), priority, compare, scale, rate })
  if (!quick) {
    writeResults(doc)
    log(`\nWrote BENCHMARKS.md (${fmt(wallSeconds, 0)} s).`)
  } else {
    log(`\nQuick run (${fmt(wallSeconds, 0)} s): BENCHMARKS.md left as it was.`)
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  }
)
