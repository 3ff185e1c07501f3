// Issue 19's shapes on a fake clock: every docs recipe and the learned strategy decide when to poll the same
// workload, walked job by job in arrival order with no HTTP, no event loop and no machine in between. It
// measures the strategies' decisions alone (requests, and detection = first poll at or after ready − ready),
// which the HTTP run (bench/shapes.ts) cannot separate from a loaded machine's stalls.
import { SHAPES, shaped, unit, type ShapeName } from './progress-shapes'
import { drawClass, drawDuration, KIND_OF, makeWorkload, percentile, type Kind } from './lib'
import { STRATEGIES, type CompareOptions } from './strategies'
import type { PollStrategy } from '../src/main/core/scheduling/strategies'
import { prng } from '../test/helpers/prng'

export interface ClockResult {
  key: string
  label: string
  requestsPerJob: number
  p50: number
  p95: number
  max: number
  fastMax: number
}

const TIMING: Record<Kind, { initial: number; interval: number; max: number }> = {
  image: { initial: 3, interval: 3, max: 300 },
  video: { initial: 5, interval: 3, max: 900 }
}

/** `o`: the HTTP run's workload options (mix, gaps, seed, history); `keys`: the strategies to walk. */
export function walkShape(shape: ShapeName, o: Omit<CompareOptions, 'shape' | 'keys'>, keys: readonly string[], jobs = 1000): ClockResult[] {
  const workload = makeWorkload({ jobs, imageShare: o.imageShare, fastShare: o.fastShare, meanGapMs: o.meanGapMs, seed: o.seed })
  const hr = prng(o.seed + 1)
  const history: Record<Kind, number[]> = { image: [], video: [] }
  for (const kind of ['image', 'video'] as Kind[]) {
    for (let i = 0; i < o.historyPerModel; i++) {
      const fast = kind === 'image' && drawClass(hr() * ((o.fastShare ?? 0) + o.imageShare), o.imageShare, o.fastShare) === 'fast'
      history[kind].push(drawDuration(fast ? 'fast' : kind, hr))
    }
  }
  return STRATEGIES.filter((e) => keys.includes(e.key)).map((entry) => {
    let now = 0
    const clock = { now: () => now, setTimer: () => () => undefined }
    const perModel: Record<Kind, PollStrategy> = { image: entry.make(clock), video: entry.make(clock) }
    const random = prng(5)
    let requests = 0
    const latencies: number[] = []
    const fast: number[] = []
    for (const w of workload) {
      const kind = KIND_OF[w.cls]
      const strategy = perModel[kind]
      const id = `job-${w.index}`
      const ctx = (polls: number, t: number) => {
        now = w.arriveAtMs + t
        const s = shaped(shape, Math.min(t / w.durationMs, 0.999), unit(id))
        // As the LetzAI DTO carries it: whole percent, null when there is none.
        const progress = Number.isNaN(s.progress) ? null : Math.round(s.progress * 100) / 100
        return { polls, sinceSubmitMs: t, progress, phase: s.phase as 'queued' | 'running', timing: TIMING[kind], history: history[kind], random }
      }
      let t = strategy.firstDelayMs(ctx(0, 0))
      let polls = 1
      while (t < w.durationMs) {
        t += strategy.nextDelayMs(ctx(polls, t))
        polls++
      }
      strategy.jobReady?.(ctx(polls, t))
      requests += polls
      latencies.push((t - w.durationMs) / 1000)
      if (w.cls === 'fast') fast.push((t - w.durationMs) / 1000)
      // The model's history grows with what this strategy saw.
      history[kind] = [t, ...history[kind]].slice(0, 200)
    }
    return {
      key: entry.key,
      label: entry.label,
      requestsPerJob: requests / workload.length,
      p50: percentile(latencies, 0.5),
      p95: percentile(latencies, 0.95),
      max: Math.max(...latencies),
      fastMax: Math.max(...fast)
    }
  })
}

export function walkAllShapes(o: Omit<CompareOptions, 'shape' | 'keys'>, keys: readonly string[], jobs = 1000): { shape: ShapeName; results: ClockResult[] }[] {
  return SHAPES.map((shape) => ({ shape, results: walkShape(shape, o, keys, jobs) }))
}
