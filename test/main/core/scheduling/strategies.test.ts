// The learned strategy's latency promise, walked on a fake clock: jobs with known durations and progress
// shapes are polled exactly as the poller would (firstDelayMs after the submit, nextDelayMs after each
// poll that finds the job still running), and every detection and gap is checked against the promise.
import { describe, expect, it } from 'vitest'
import { learned, ProgressShape, type PollStrategy } from '../../../../src/main/core/scheduling/strategies'
import { prng } from '../../../helpers/prng'

const TIMING = { initial: 3, interval: 3, max: 300 }
const PROMISE_MS = 3000

/** Progress a job reports at share f of its time: null = none; phase 'queued' while queued. */
type Shape = (f: number, u: number) => { phase: 'queued' | 'running'; progress: number | null }
const SHAPES: Record<string, Shape> = {
  linear: (f) => ({ phase: 'running', progress: Math.round(f * 100) / 100 }),
  queued: (f, u) => {
    const q = 0.2 + 0.4 * u
    return f < q ? { phase: 'queued', progress: 0 } : { phase: 'running', progress: Math.round(((f - q) / (1 - q)) * 100) / 100 }
  },
  steps: (f) => ({ phase: 'running', progress: Math.floor(f * 100) / 100 }),
  coarse: (f) => ({ phase: 'running', progress: f < 0.5 ? 0 : 0.5 }),
  stuck99: (f, u) => ({ phase: 'running', progress: Math.min(0.99, Math.round(((0.99 * f) / (0.5 + 0.3 * u)) * 100) / 100) }),
  nonmonotonic: (f, u) => {
    const split = 0.3 + 0.3 * u
    return { phase: 'running', progress: Math.min(0.99, Math.round((f < split ? f / split : (f - split) / (1 - split)) * 100) / 100) }
  },
  none: () => ({ phase: 'running', progress: null })
}

interface Walk {
  latencyMs: number
  polls: number
  /** Gaps between polls that end after the job could be finished (ms). */
  gapsWhilePlausible: number[]
}

/** A fake clock shared by the strategy (its `now`) and the walk. */
function setup(history: number[], latencyMs?: number, learnsEnds = true) {
  let now = 1_000_000
  const full = learned({ minHistory: 5, minGapMs: 500, latencyMs, now: () => now })
  // Without jobReady the strategy never hears how its jobs ended: history and progress alone.
  const strategy: PollStrategy = learnsEnds ? full : { name: full.name, firstDelayMs: full.firstDelayMs, nextDelayMs: full.nextDelayMs }
  const random = prng(3)
  /** Polls one job of `durationMs` to the end; `plausibleAt` is when the job can be finished by the history. */
  const walk = (durationMs: number, shape: Shape, u: number, plausibleAt: number): Walk => {
    const submittedAt = now
    const ctx = (polls: number) => {
      const t = now - submittedAt
      const s = shape(Math.min(t / durationMs, 0.999), u)
      return { polls, sinceSubmitMs: t, progress: s.progress, phase: s.phase, timing: TIMING, history, random }
    }
    let last = submittedAt
    now += strategy.firstDelayMs(ctx(0))
    let polls = 1
    const gaps: number[] = []
    if (now - submittedAt > plausibleAt) gaps.push(now - Math.max(last, submittedAt + plausibleAt))
    while (now - submittedAt < durationMs) {
      last = now
      now += strategy.nextDelayMs(ctx(polls))
      polls++
      if (now - submittedAt > plausibleAt) gaps.push(now - Math.max(last, submittedAt + plausibleAt))
      expect(polls).toBeLessThan(1000)
    }
    strategy.jobReady?.(ctx(polls))
    const result = { latencyMs: now - submittedAt - durationMs, polls, gapsWhilePlausible: gaps }
    now += 10
    return result
  }
  return { strategy, walk }
}

/** 100 finished jobs of 10–30 s. */
function imageHistory(): number[] {
  const r = prng(1)
  return Array.from({ length: 100 }, () => 10_000 + r() * 20_000)
}

function plausibleStart(history: number[]): number {
  const s = [...history].sort((a, b) => a - b)
  const pos = (s.length - 1) * 0.02
  return (s[Math.floor(pos)] + (s[Math.ceil(pos)] - s[Math.floor(pos)]) * (pos - Math.floor(pos))) * 0.95
}

function run(strategyHistory: number[], shape: Shape, jobs: number, draw: (r: () => number) => number, latencyMs?: number, learnsEnds = true) {
  const { walk } = setup(strategyHistory, latencyMs, learnsEnds)
  const r = prng(7)
  const plausible = strategyHistory.length >= 5 ? plausibleStart(strategyHistory) : 0
  const walks: (Walk & { durationMs: number; canBeFinished: boolean })[] = []
  for (let i = 0; i < jobs; i++) {
    const durationMs = draw(r)
    walks.push({ ...walk(durationMs, shape, r(), plausible), durationMs, canBeFinished: durationMs >= plausible })
  }
  return walks
}

describe('learned strategy: the latency promise', () => {
  const history = imageHistory()
  const image = (r: () => number) => 10_000 + r() * 20_000

  for (const [name, shape] of Object.entries(SHAPES)) {
    it(`detects every job that finishes after it can plausibly be finished within the promise (${name} progress)`, () => {
      const walks = run(history, shape, 400, image)
      // The history's 2nd percentile: a few jobs are faster, and are noticed at the first poll after it.
      expect(walks.filter((w) => !w.canBeFinished).length).toBeLessThan(20)
      for (const w of walks.filter((w) => w.canBeFinished)) expect(w.latencyMs).toBeLessThanOrEqual(PROMISE_MS)
    })
  }

  it('asks less than a fixed poll at the promise once linear progress has proved readable', () => {
    const walks = run(history, SHAPES.linear, 400, image).slice(100)
    const fixedPolls = walks.reduce((n, w) => n + Math.ceil(w.durationMs / PROMISE_MS), 0)
    const ours = walks.reduce((n, w) => n + w.polls, 0)
    expect(ours).toBeLessThan(fixedPolls * 0.5)
  })

  it('detects fast jobs (1–5 s) within the promise, with no history and with a history of fast jobs', () => {
    const fast = (r: () => number) => 1000 + r() * 4000
    const r = prng(5)
    const fastHistory = Array.from({ length: 100 }, () => fast(r))
    for (const h of [[], fastHistory]) {
      for (const w of run(h, SHAPES.linear, 200, fast)) expect(w.latencyMs).toBeLessThanOrEqual(PROMISE_MS)
    }
  })

  it('keeps the promise without progress, polling at no more than the promise once a job can be done', () => {
    const walks = run(history, SHAPES.none, 200, image)
    for (const w of walks.filter((w) => w.canBeFinished)) {
      expect(w.latencyMs).toBeLessThanOrEqual(PROMISE_MS)
      for (const g of w.gapsWhilePlausible) expect(g).toBeLessThanOrEqual(PROMISE_MS)
      // Nothing is asked before the earliest plausible finish: at most one poll per promise after it, plus the first.
      expect(w.polls).toBeLessThanOrEqual(Math.ceil((w.durationMs - plausibleStart(history)) / (0.85 * PROMISE_MS)) + 1)
    }
  })

  it('does not stretch gaps when progress falls back mid-job (two stages)', () => {
    const walks = run(history, SHAPES.nonmonotonic, 400, image).filter((w) => w.canBeFinished)
    // Progress that starts again from 0 would read as a job barely begun: no gap after the plausible finish may follow it.
    const gaps = walks.flatMap((w) => w.gapsWhilePlausible)
    expect(Math.max(...gaps)).toBeLessThanOrEqual(PROMISE_MS)
    expect(Math.max(...walks.map((w) => w.latencyMs))).toBeLessThanOrEqual(PROMISE_MS)
  })

  it('learns from its jobs’ ends what a job at a plateau has left (coarse 0 → 50 → 100), asks less there, and keeps the promise on every shape', () => {
    for (const shape of Object.values(SHAPES)) {
      for (const w of run(history, shape, 400, image).filter((w) => w.canBeFinished)) expect(w.latencyMs).toBeLessThanOrEqual(PROMISE_MS)
    }
    // The same jobs after the first 100 (the tails need 50 ended jobs), with and without what the ends taught.
    const polls = (walks: Walk[]) => walks.slice(100).reduce((n, w) => n + w.polls, 0)
    expect(polls(run(history, SHAPES.coarse, 400, image))).toBeLessThan(polls(run(history, SHAPES.coarse, 400, image, undefined, false)) * 0.97)
  })

  it('keeps a promise set by the user (10 s) on 30–120 s jobs, and a tighter one (1 s)', () => {
    const r = prng(9)
    const video = (rr: () => number) => 30_000 + rr() * 90_000
    const videoHistory = Array.from({ length: 100 }, () => video(r))
    for (const promise of [10_000, 1000]) {
      for (const w of run(videoHistory, SHAPES.queued, 200, video, promise).filter((w) => w.canBeFinished)) expect(w.latencyMs).toBeLessThanOrEqual(promise)
    }
  })

  it('keeps the promise when the history is its own detections (seen ready, not ready): the first poll does not creep later', () => {
    const fast = (r: () => number) => 1000 + r() * 4000
    const r = prng(11)
    const history = Array.from({ length: 100 }, () => fast(r))
    const { walk } = setup(history)
    const late: number[] = []
    for (let i = 0; i < 300; i++) {
      const durationMs = fast(r)
      const w = walk(durationMs, SHAPES.none, 0, 0)
      // What the app writes to the history: submit → the poll that saw it ready.
      history.unshift(durationMs + w.latencyMs)
      if (history.length > 200) history.pop()
      late.push(w.latencyMs)
    }
    // Each detection adds its latency to the history; were it not taken off, the first poll would drift to
    // tens of seconds and every later job would be late.
    expect(Math.max(...late.slice(100))).toBeLessThanOrEqual(PROMISE_MS)
  })

  it('without a clock, every reading stands alone and the promise still holds', () => {
    const strategy: PollStrategy = learned({ minHistory: 5, minGapMs: 500 })
    const ctx = { polls: 3, sinceSubmitMs: 20_000, progress: 0.2, phase: 'running' as const, timing: TIMING, history, random: Math.random }
    expect(strategy.nextDelayMs(ctx)).toBeLessThanOrEqual(PROMISE_MS)
  })
})

describe('ProgressShape: which progress is read at all', () => {
  it('trusts whole-percent readings, not 0 → 50 → 100, and not before three distinct values', () => {
    const fine = new ProgressShape()
    fine.observe(0.37)
    fine.observe(0.38)
    expect(fine.trusted).toBe(false)
    fine.observe(0.4)
    expect(fine.quantum).toBeCloseTo(0.01)
    expect(fine.trusted).toBe(true)
    const coarse = new ProgressShape()
    for (let i = 0; i < 100; i++) coarse.observe(0.5)
    expect(coarse.trusted).toBe(false)
  })

  it('stops trusting progress after a job’s progress falls, for the next 500 readings', () => {
    const walk = setup(imageHistory())
    // Two-stage jobs teach the model that its progress falls; afterwards a linear job's reading is not extrapolated.
    for (let i = 0; i < 20; i++) walk.walk(20_000, SHAPES.nonmonotonic, 0.5, 0)
    const { strategy } = walk
    const ctx = { polls: 2, sinceSubmitMs: 12_000, progress: 0.1, phase: 'running' as const, timing: TIMING, history: imageHistory(), random: Math.random }
    expect(strategy.nextDelayMs(ctx)).toBeLessThanOrEqual(PROMISE_MS)
  })

  it('reads a linear job’s progress to skip polls once the model’s progress has proved linear from the submit', () => {
    const walk = setup(imageHistory())
    for (let i = 0; i < 20; i++) walk.walk(20_000 + i * 100, SHAPES.linear, 0.5, 0)
    // 20 % after 12 s: about 48 s are left; the next poll waits as long as a gap may be (the job's age).
    const ctx = { polls: 2, sinceSubmitMs: 12_000, progress: 0.2, phase: 'running' as const, timing: TIMING, history: imageHistory(), random: Math.random }
    expect(walk.strategy.nextDelayMs(ctx)).toBe(12_000)
    // The same reading on a model whose progress was never seen says nothing: the promise's interval.
    expect(setup(imageHistory()).strategy.nextDelayMs(ctx)).toBeLessThanOrEqual(PROMISE_MS)
  })
})
