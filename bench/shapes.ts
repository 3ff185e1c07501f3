// Issue 19: every docs recipe and the learned strategy side by side on each progress shape
// (bench/progress-shapes.ts), one compareStrategies run per shape, same jobs in every shape.
// `npx tsx bench/shapes.ts` prints the tables; bench/run.ts runs it too and keeps its section of BENCHMARKS.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, getPriority, loadavg, setPriority } from 'node:os'
import { fileURLToPath } from 'node:url'
import { fmt, table } from './lib'
import { SHAPE_LABEL, SHAPES, USABLE_PROGRESS, type ShapeName } from './progress-shapes'
import { compareStrategies, type CompareOptions, type CompareReport } from './strategies'
import { walkAllShapes, type ClockResult } from './shapes-clock'

/** The docs' recipes and ours; the no-progress variant is the 'none' shape here. */
export const SHAPE_KEYS = ['fal', 'letzai', 'bfl-exp', 'bfl-wc', 'bfl-adaptive', 'apixo-table', 'apixo-backoff', 'umrgen', 'learned']
/** The learned strategy's default promise on these models: LetzAI's documented 3 s interval. */
export const PROMISE_S = 3

export interface ShapeRun {
  shape: ShapeName
  report: CompareReport
}

export async function runShapes(base: Omit<CompareOptions, 'shape' | 'keys'>, shapes: readonly ShapeName[] = SHAPES): Promise<ShapeRun[]> {
  const runs: ShapeRun[] = []
  for (const shape of shapes) {
    base.log?.(`  shape ${shape}: ${base.jobs} jobs`)
    runs.push({ shape, report: await compareStrategies({ ...base, shape, keys: SHAPE_KEYS }) })
  }
  return runs
}

export function shapeTable(run: ShapeRun): string {
  const fixed3 = run.report.results.find((r) => r.key === 'letzai')!
  return table(
    ['strategy', 'status req/job', 'vs fixed 3 s', 'p50 (s)', 'p95 (s)', 'max (s)', 'fast jobs: req/job', 'fast p95 / max (s)', 'videos: req/job', '429s'],
    run.report.results.map((r) => [
      r.label,
      fmt(r.statusRequestsPerJob),
      `${fmt(r.statusRequestsPerJob / fixed3.statusRequestsPerJob)}×`,
      fmt(r.p50),
      fmt(r.p95),
      fmt(r.max, 1),
      fmt(r.perClass.fast?.statusRequestsPerJob ?? NaN),
      `${fmt(r.perClass.fast?.p95 ?? NaN)} / ${fmt(r.perClass.fast?.max ?? NaN)}`,
      fmt(r.perClass.video?.statusRequestsPerJob ?? NaN),
      r.rateLimited429s
    ])
  )
}

export interface ShapeVerdict {
  shape: ShapeName
  fewer: number
  fewerTarget: number
  p95Ok: boolean
  fewerOk: boolean
  /** Docs recipes with both fewer requests and a lower p95 than the learned strategy. */
  dominatedBy: string[]
  fastWithinPromise: boolean
}

export function verdict(run: ShapeRun): ShapeVerdict {
  const res = run.report.results
  const ours = res.find((r) => r.key === 'learned')!
  const fixed3 = res.find((r) => r.key === 'letzai')!
  const fewer = 1 - ours.statusRequestsPerJob / fixed3.statusRequestsPerJob
  const fewerTarget = USABLE_PROGRESS[run.shape] ? 0.6 : 0.4
  return {
    shape: run.shape,
    fewer,
    fewerTarget,
    p95Ok: ours.p95 <= fixed3.p95,
    fewerOk: fewer >= fewerTarget,
    dominatedBy: res.filter((r) => r.key !== 'learned' && r.statusRequestsPerJob < ours.statusRequestsPerJob && r.p95 < ours.p95).map((r) => r.label),
    fastWithinPromise: (ours.perClass.fast?.max ?? 0) <= PROMISE_S
  }
}

export function verdictTable(runs: ShapeRun[]): string {
  const ok = (b: boolean) => (b ? 'met' : '**missed**')
  return table(
    [
      'shape',
      'progress usable',
      'fewer requests than fixed 3 s (target)',
      'p95 ≤ fixed 3 s',
      'no docs recipe better on both',
      `fast jobs within ${PROMISE_S} s`
    ],
    runs.map((run) => {
      const v = verdict(run)
      const ours = run.report.results.find((r) => r.key === 'learned')!
      const fixed3 = run.report.results.find((r) => r.key === 'letzai')!
      return [
        SHAPE_LABEL[run.shape],
        USABLE_PROGRESS[run.shape] ? 'yes' : 'no',
        `${fmt(v.fewer * 100, 0)} % (≥ ${fmt(v.fewerTarget * 100, 0)} %): ${ok(v.fewerOk)}`,
        `${fmt(ours.p95)} vs ${fmt(fixed3.p95)} s: ${ok(v.p95Ok)}`,
        v.dominatedBy.length ? `**missed** (${v.dominatedBy.join(', ')})` : 'met',
        `max ${fmt(ours.perClass.fast?.max ?? NaN)} s: ${ok(v.fastWithinPromise)}`
      ]
    })
  )
}

/** The fake-clock walk's table for one shape (bench/shapes-clock.ts): the strategies' decisions alone. */
export function clockTable(shape: ShapeName, results: ClockResult[]): string {
  const fixed3 = results.find((r) => r.key === 'letzai')!
  const ours = results.find((r) => r.key === 'learned')!
  const rows = results.map((r) => [
    r.label,
    fmt(r.requestsPerJob),
    `${fmt(r.requestsPerJob / fixed3.requestsPerJob)}×`,
    fmt(r.p50),
    fmt(r.p95),
    fmt(r.max),
    fmt(r.fastMax)
  ])
  const fewer = 1 - ours.requestsPerJob / fixed3.requestsPerJob
  const target = USABLE_PROGRESS[shape] ? 0.6 : 0.4
  const better = results.filter((r) => r.key !== 'learned' && r.requestsPerJob < ours.requestsPerJob && r.p95 < ours.p95).map((r) => r.label)
  return [
    table(['strategy', 'status req/job', 'vs fixed 3 s', 'p50 (s)', 'p95 (s)', 'max (s)', 'fast jobs max (s)'], rows),
    '',
    `Learned vs fixed 3 s: ${fmt(fewer * 100, 0)} % fewer requests (target ≥ ${fmt(target * 100, 0)} %: ${fewer >= target ? 'met' : '**missed**'}), p95 ${fmt(ours.p95)} vs ${fmt(fixed3.p95)} s (${ours.p95 <= fixed3.p95 ? 'met' : '**missed**'}); no docs recipe better on both: ${better.length ? `**missed** (${better.join(', ')})` : 'met'}; every job within the ${PROMISE_S} s promise: max ${fmt(ours.max)} s (${ours.max <= PROMISE_S ? 'met' : '**missed**'}), fast jobs max ${fmt(ours.fastMax)} s.`
  ].join('\n')
}

export const SHAPE_OPTIONS: Omit<CompareOptions, 'shape' | 'keys'> = {
  scale: 4,
  jobs: process.env.BENCH_QUICK === '1' ? 30 : 100,
  imageShare: 0.5,
  fastShare: 0.2,
  meanGapMs: 2500,
  historyPerModel: 100,
  seed: 19,
  providerLimit: { perSecond: 20, burst: 40 },
  log: (line) => console.log(line)
}

const BEGIN = '<!-- Results of `npx tsx bench/shapes.ts` (issue 19; it rewrites everything between these markers) -->'
const END = '<!-- End of `npx tsx bench/shapes.ts` results -->'

/** This run's tables as the issue-19 section of BENCHMARKS.md (kept apart from `npm run bench`'s block). */
export function writeShapeSection(
  runs: ShapeRun[],
  clock: { shape: ShapeName; results: ClockResult[] }[],
  run: { command: string; started: Date; loadBefore: number[]; loadAfter: number[]; priority: string }
): void {
  const o = runs[0].report.options
  const lines = [
    '# Polling on progress it was not tuned to (issue 19)',
    '',
    `Command: \`${run.command}\`. This run: ${run.started.toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ${cpus().length} cores, load average ${run.loadBefore.map((l) => fmt(l, 1)).join('/')} before and ${run.loadAfter.map((l) => fmt(l, 1)).join('/')} after, ${run.priority}.`,
    '',
    `Per shape, one run of section 1's harness (own Core, own LetzAI-protocol simulator per strategy, real loopback HTTP, ×${o.scale} time compression): ${o.jobs} jobs, ${fmt((o.fastShare ?? 0) * 100, 0)} % fast (1–5 s) and ${fmt(o.imageShare * 100, 0)} % images (10–30 s), both of the \`images\` model (one history), the rest videos (30–120 s), Poisson arrivals ${o.meanGapMs / 1000} s apart, seed ${o.seed}: the same jobs in every shape. ${o.historyPerModel} finished jobs of history per model, drawn from the same mix. The learned strategy keeps its default promise: each model's documented interval, ${PROMISE_S} s. Detection = when the app wrote \`ready_at\` minus when the simulator made the job ready (uncompressed seconds).`,
    ''
  ]
  lines.push(
    '## Decisions on a fake clock (1,000 jobs per shape)',
    '',
    "The same workload, shapes and history (1,000 jobs), walked job by job in arrival order on a fake clock by `bench/shapes-clock.ts`: each strategy's own `firstDelayMs`/`nextDelayMs`, progress as the LetzAI DTO carries it (whole percent, null when none), the history growing with each strategy's own detections (as `Store.recentDurations` does: submit → seen ready). No HTTP and no event loop: detection = the first poll at or after the ready moment minus that moment, so a request's round trip (a few ms on loopback) is not in it. This measures the decisions alone; the HTTP run below measures them through the app, on this machine's load.",
    ''
  )
  for (const c of clock) lines.push(`**${SHAPE_LABEL[c.shape]}**`, '', clockTable(c.shape, c.results), '')
  lines.push('## Through the app: real Cores, simulators and HTTP', '')
  for (const r of runs) {
    lines.push(
      `**${SHAPE_LABEL[r.shape]}** (simulators' loop lag p99 ${fmt(r.report.simLoopLagP99Ms, 1)} ms, max ${fmt(r.report.simLoopLagMaxMs, 0)} ms; the Cores' p99 ${fmt(r.report.loopLagP99Ms, 1)}, max ${fmt(r.report.loopLagMaxMs, 0)} ms)`,
      '',
      shapeTable(r),
      ''
    )
  }
  lines.push("**Against the targets** (learned vs fixed 3 s, the LetzAI docs' interval):", '', verdictTable(runs), '')
  const file = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url))
  const block = `${BEGIN}\n${lines.join('\n')}\n${END}`
  let text = existsSync(file) ? readFileSync(file, 'utf8') : ''
  const a = text.indexOf(BEGIN)
  const b = text.indexOf(END)
  if (a >= 0 && b > a) text = text.slice(0, a) + block + text.slice(b + END.length)
  else text = `${text.trimEnd()}\n\n${block}\n`
  writeFileSync(file, text)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // As bench/run.ts: on a shared machine, ask for a higher priority so the run measures the app, not the wait for a CPU.
  try {
    setPriority(0, Number(process.env.BENCH_NICE ?? -10))
  } catch {
    // not permitted: run as is
  }
  const priority = `nice ${getPriority(0)}`
  const started = new Date()
  const loadBefore = loadavg()
  const only = process.argv.slice(2).filter((a): a is ShapeName => (SHAPES as readonly string[]).includes(a))
  const clock = walkAllShapes(SHAPE_OPTIONS, SHAPE_KEYS)
  for (const c of clock) console.log(`\n${SHAPE_LABEL[c.shape]} (fake clock)\n${clockTable(c.shape, c.results)}`)
  const runs = await runShapes(SHAPE_OPTIONS, only.length ? only : SHAPES)
  const loadAfter = loadavg()
  console.log(
    `Run ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, load ${loadBefore.map((l) => l.toFixed(1)).join('/')} before, ${loadAfter.map((l) => l.toFixed(1)).join('/')} after, ${priority}`
  )
  for (const run of runs) console.log(`\n${SHAPE_LABEL[run.shape]}\n${shapeTable(run)}`)
  console.log(`\n${verdictTable(runs)}`)
  if (process.env.BENCH_QUICK !== '1' && !only.length)
    writeShapeSection(runs, clock, { command: 'npx tsx bench/shapes.ts', started, loadBefore, loadAfter, priority })
  process.exit(0)
}
