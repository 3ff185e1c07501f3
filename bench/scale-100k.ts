// Issue 19, ten times the scale: 100,000 unfinished jobs (97,000 queued, 3,000 running at the provider)
// side by side with section 2's 10,000 running and with 10,000 of the same mix, in one run, each opened by a fresh bundled app process.
// `npx tsx bench/scale-100k.ts` prints the table (BENCHMARKS.md's issue-19 section quotes it).
import { getPriority, loadavg, setPriority } from 'node:os'
import { fmt, table } from './lib'
import { runScale, type ScaleResult } from './scale'

const CASES = [
  { label: '10,000 running', jobs: 10_000, queued: 0 },
  { label: '10,000 unfinished: 300 running + 9,700 queued', jobs: 300, queued: 9_700 },
  { label: '100,000 unfinished: 3,000 running + 97,000 queued', jobs: 3_000, queued: 97_000 }
]

try {
  setPriority(0, Number(process.env.BENCH_NICE ?? -10))
} catch {
  // not permitted: run as is
}
const started = new Date()
const loadBefore = loadavg()
const results: (ScaleResult & { label: string })[] = []
for (const round of [1, 2]) {
  for (const c of CASES) {
    console.log(`round ${round}: ${c.label}`)
    results.push({
      label: c.label,
      ...(await runScale({ runtime: 'bundled', jobs: c.jobs, queued: c.queued, seconds: 15, seed: 7, log: (l) => console.log(l) }))
    })
  }
}
console.log(
  `Run ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, load ${loadBefore.map((l) => l.toFixed(1)).join('/')} before, ${loadavg()
    .map((l) => l.toFixed(1))
    .join('/')} after, nice ${getPriority(0)}`
)
console.log(
  table(
    [
      'library',
      'load avg',
      'written in (ms)',
      'start → first poll (ms)',
      'of which Core.open (ms)',
      'loop lag p99, steady (ms)',
      'p99 incl. start-up (ms)',
      'max (ms)',
      'RSS max (MB)',
      'status req/s',
      'batches with unfinished jobs (ms)',
      'jobs at the provider (ms)',
      'queue slice of 500 (ms)'
    ],
    results.map((r) => [
      r.label,
      fmt(r.load1, 1),
      fmt(r.fillMs, 0),
      fmt(r.spawnToFirstPollMs, 0),
      fmt(r.openMs, 0),
      fmt(r.steadyLagP99Ms, 1),
      fmt(r.lagP99Ms, 1),
      fmt(r.steadyLagMaxMs, 0),
      fmt(r.rssMaxMb, 0),
      fmt(r.requestsPerSecond, 0),
      fmt(r.queries.activeBatchIdsMs, 1),
      fmt(r.queries.resumableScheduleMs, 1),
      fmt(r.queries.queueSliceMs, 1)
    ])
  )
)
// The Queue at each size, and how each cost grows from 10,000 to 100,000 (medians over the two rounds).
const queueCalls: [string, keyof ScaleResult['queue']][] = [
  ['first page (200 rows, newest first)', 'firstPageMs'],
  ['a page halfway down', 'middlePageMs'],
  ['queued only, first page', 'queuedFilterMs'],
  ['sorted by elapsed, first page', 'elapsedSortMs'],
  ['status counts', 'statusCountsMs'],
  ['status bar stats (ETA per batch)', 'statsMs']
]
const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const at = (label: string, key: keyof ScaleResult['queue']) => mid(results.filter((r) => r.label === label).map((r) => r.queue[key]))
console.log(
  table(
    ['Queue call (ms, median of 5 in each run)', ...CASES.map((c) => c.label), 'growth ×10 (same mix)'],
    queueCalls.map(([name, key]) => [name, ...CASES.map((c) => fmt(at(c.label, key), 1)), `×${fmt(at(CASES[2].label, key) / at(CASES[1].label, key), 1)}`])
  )
)
process.exit(0)
