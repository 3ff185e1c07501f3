// The provider-agnostic scheduler on a fake clock: when each task starts under the token bucket, the
// in-flight limits (per provider and over all), the active cap, 429 holds, pauses and the storage hold; the
// order of work (downloads, then polls, then submits); replacing and forgetting a job's entry; one timer.
import { describe, expect, it } from 'vitest'
import type { ProviderId } from '../../../../src/shared/catalogue'
import { backoff, Scheduler, type Lane, type ProviderLimits, type Task } from '../../../../src/main/core/scheduling/scheduler'
import { FakeClock, settle } from '../../../helpers/fake-clock'

interface Started {
  id: number
  task: Task
  provider: ProviderId
  at: number
  finish: () => void
}

function setup(o: { limits?: Partial<Record<ProviderId, ProviderLimits>>; globalConcurrency?: number; hold?: boolean } = {}) {
  const clock = new FakeClock()
  const started: Started[] = []
  const paused: [ProviderId, string | null][] = []
  const scheduler = new Scheduler({
    clock,
    random: () => 0.5,
    globalConcurrency: o.globalConcurrency,
    limits: (p) => o.limits?.[p] ?? { rate: 1000, burst: 1000, concurrency: 100 },
    onPaused: (p, reason) => paused.push([p, reason]),
    // A task runs until the test finishes it, unless `hold` is off, in which case it ends at once.
    run: (lane: Lane, id, task) =>
      new Promise<void>((resolve) => {
        started.push({ id, task, provider: lane.provider, at: clock.now(), finish: resolve })
        if (!o.hold) resolve()
      })
  })
  scheduler.start()
  return { clock, scheduler, started, paused, ids: () => started.map((s) => s.id) }
}

describe('Scheduler', () => {
  it('starts a task when it is due, not before', async () => {
    const { clock, scheduler, started } = setup()
    const t0 = clock.now()
    scheduler.schedule(1, 'demo', 'poll', t0 + 3000)
    scheduler.pump()
    await clock.advance(2999)
    expect(started).toHaveLength(0)
    await clock.advance(1)
    expect(started).toMatchObject([{ id: 1, task: 'poll', at: t0 + 3000 }])
  })

  it('keeps one timer for the earliest due job, however many are scheduled', async () => {
    const { clock, scheduler, started } = setup()
    for (let id = 1; id <= 1000; id++) scheduler.schedule(id, 'demo', 'poll', clock.now() + id * 10)
    scheduler.pump()
    expect(clock.pendingTimers).toBe(1)
    await clock.advance(10_000)
    expect(started).toHaveLength(1000)
    expect(started.map((s) => s.id)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1))
  })

  it('spaces requests by the provider token bucket: a burst, then one per 1/rate', async () => {
    const { clock, scheduler, started } = setup({ limits: { bfl: { rate: 2, burst: 2, concurrency: 100 } } })
    const t0 = clock.now()
    for (let id = 1; id <= 6; id++) scheduler.schedule(id, 'bfl', 'submit', t0)
    scheduler.pump()
    await clock.advance(2000)
    expect(started.map((s) => s.at - t0)).toEqual([0, 0, 500, 1000, 1500, 2000])
  })

  it('keeps a provider within its concurrency, and all providers within the global limit', async () => {
    const { clock, scheduler, started } = setup({
      hold: true,
      globalConcurrency: 3,
      limits: { bfl: { rate: 1000, burst: 1000, concurrency: 2 }, apixo: { rate: 1000, burst: 1000, concurrency: 2 } }
    })
    for (let id = 1; id <= 4; id++) scheduler.schedule(id, 'bfl', 'poll', clock.now())
    for (let id = 11; id <= 14; id++) scheduler.schedule(id, 'apixo', 'poll', clock.now())
    scheduler.pump()
    await settle()
    expect(started.filter((s) => s.provider === 'bfl')).toHaveLength(2)
    expect(started).toHaveLength(3)
    expect(scheduler.stats()).toMatchObject({ inFlight: 3, providers: { bfl: { inFlight: 2 }, apixo: { inFlight: 1 } } })
    started[0].finish()
    await settle()
    // The freed slot goes to the next task, still within both limits.
    expect(started).toHaveLength(4)
    expect(scheduler.stats()).toMatchObject({ inFlight: 3, providers: { bfl: { inFlight: 2 }, apixo: { inFlight: 1 } } })
  })

  it('runs downloads first, then polls, then submits', async () => {
    const { clock, scheduler, started } = setup({ hold: true, limits: { demo: { rate: 1000, burst: 1000, concurrency: 1 } } })
    const now = clock.now()
    scheduler.schedule(1, 'demo', 'submit', now)
    scheduler.schedule(2, 'demo', 'poll', now)
    scheduler.schedule(3, 'demo', 'download', now)
    scheduler.schedule(4, 'demo', 'submit', now)
    scheduler.pump()
    for (let i = 0; i < 4; i++) {
      await settle()
      started.at(-1)!.finish()
    }
    await settle()
    expect(started.map((s) => `${s.task}:${s.id}`)).toEqual(['download:3', 'poll:2', 'submit:1', 'submit:4'])
  })

  it('sends no new submit beyond the active cap until a job leaves it', async () => {
    const { clock, scheduler, ids } = setup({ limits: { umrgen: { rate: 1000, burst: 1000, concurrency: 10, maxActive: 1 } } })
    const lane = scheduler.lane('umrgen')
    lane.active.add(1)
    scheduler.schedule(2, 'umrgen', 'submit', clock.now())
    scheduler.schedule(1, 'umrgen', 'poll', clock.now())
    scheduler.pump()
    await settle()
    expect(ids()).toEqual([1])
    scheduler.leave(1)
    scheduler.pump()
    await settle()
    expect(ids()).toEqual([1, 2])
  })

  it('holds every request to a provider after a 429 for the wait it asked for, and halves its rate', async () => {
    const { clock, scheduler, started } = setup({ limits: { bfl: { rate: 10, burst: 10, concurrency: 10 } } })
    const lane = scheduler.lane('bfl')
    const t0 = clock.now()
    const due = scheduler.rateLimited(lane, 3000, t0, false)
    expect(due).toBe(t0 + 3000)
    expect(lane.bucket.currentRate).toBe(5)
    expect(lane.rateLimitWaits).toBe(1)
    scheduler.schedule(1, 'bfl', 'poll', t0)
    scheduler.pump()
    await clock.advance(2999)
    expect(started).toHaveLength(0)
    await clock.advance(1)
    expect(started).toMatchObject([{ id: 1, at: t0 + 3000 }])
  })

  it('backs off without Retry-After, and a submit hold lets polls through and lifts when a job ends', async () => {
    const { clock, scheduler, started } = setup()
    const lane = scheduler.lane('bfl')
    const t0 = clock.now()
    // No Retry-After: 2 s × 2^1, jittered between half and all of it (random 0.5 → three quarters).
    expect(scheduler.rateLimited(lane, undefined, t0, true)).toBe(t0 + 3000)
    scheduler.schedule(1, 'bfl', 'submit', t0)
    scheduler.schedule(2, 'bfl', 'poll', t0)
    scheduler.pump()
    await clock.advance(100)
    expect(started.map((s) => s.id)).toEqual([2])
    scheduler.jobEnded(lane)
    scheduler.pump()
    await settle()
    expect(started.map((s) => s.id)).toEqual([2, 1])
  })

  it('launches nothing for a paused provider until it resumes, and says so once each way', async () => {
    const { clock, scheduler, started, paused } = setup()
    scheduler.pause('letzai', 'Key rejected')
    scheduler.pause('letzai', 'Key rejected')
    scheduler.schedule(1, 'letzai', 'poll', clock.now())
    scheduler.schedule(2, 'demo', 'poll', clock.now())
    scheduler.pump()
    await clock.advance(1000)
    expect(started.map((s) => s.id)).toEqual([2])
    scheduler.resume('letzai')
    await settle()
    expect(started.map((s) => s.id)).toEqual([2, 1])
    expect(paused).toEqual([
      ['letzai', 'Key rejected'],
      ['letzai', null]
    ])
  })

  it('launches nothing while held (the library cannot be written), and carries on when released', async () => {
    const { clock, scheduler, started } = setup()
    scheduler.hold()
    scheduler.schedule(1, 'demo', 'poll', clock.now())
    scheduler.pump()
    await clock.advance(10_000)
    expect(started).toHaveLength(0)
    scheduler.release()
    await settle()
    expect(started.map((s) => s.id)).toEqual([1])
  })

  it('replaces a job entry when it is scheduled again, and drops it when forgotten', async () => {
    const { clock, scheduler, started } = setup()
    const t0 = clock.now()
    scheduler.schedule(1, 'demo', 'poll', t0 + 1000)
    scheduler.schedule(1, 'demo', 'download', t0 + 5000)
    scheduler.schedule(2, 'demo', 'poll', t0 + 1000)
    scheduler.forget(2)
    expect(scheduler.isScheduled(2)).toBe(false)
    scheduler.pump()
    await clock.advance(10_000)
    expect(started).toMatchObject([{ id: 1, task: 'download', at: t0 + 5000 }])
  })

  it('resolves whenIdle once nothing is scheduled or in flight', async () => {
    const { clock, scheduler, started } = setup({ hold: true })
    scheduler.schedule(1, 'demo', 'poll', clock.now() + 100)
    scheduler.pump()
    let idle = false
    void scheduler.whenIdle().then(() => (idle = true))
    await clock.advance(100)
    expect(started).toHaveLength(1)
    expect(idle).toBe(false)
    started[0].finish()
    await settle()
    expect(idle).toBe(true)
  })

  it('waits for a token (and any hold) when a task asks for one itself', async () => {
    const { clock, scheduler } = setup({ limits: { bfl: { rate: 1, burst: 1, concurrency: 10 } } })
    const lane = scheduler.lane('bfl')
    const t0 = clock.now()
    const at: number[] = []
    void (async () => {
      for (let i = 0; i < 3; i++) {
        await scheduler.token(lane)
        at.push(clock.now() - t0)
      }
    })()
    await clock.advance(2000)
    expect(at).toEqual([0, 1000, 2000])
  })

  it('stops arming timers after stop, and waits for tasks in flight', async () => {
    const { clock, scheduler, started } = setup({ hold: true })
    scheduler.schedule(1, 'demo', 'poll', clock.now())
    scheduler.schedule(2, 'demo', 'poll', clock.now() + 1000)
    scheduler.pump()
    await settle()
    let stopped = false
    void scheduler.stop().then(() => (stopped = true))
    await settle()
    expect(stopped).toBe(false)
    started[0].finish()
    await settle()
    expect(stopped).toBe(true)
    await clock.advance(5000)
    expect(started).toHaveLength(1)
  })

  it('reports per-provider stats: requests in the last minute, rate, 429 waits, pause', async () => {
    const { clock, scheduler } = setup({ limits: { bfl: { rate: 8, burst: 20, concurrency: 10 } } })
    for (let id = 1; id <= 5; id++) scheduler.schedule(id, 'bfl', 'poll', clock.now())
    scheduler.pump()
    await settle()
    scheduler.rateLimited(scheduler.lane('bfl'), 1000, clock.now(), false)
    scheduler.pause('bfl', 'No credits')
    expect(scheduler.stats().providers.bfl).toMatchObject({ requestsLastMinute: 5, rate: 4, rateLimitWaits: 1, pausedReason: 'No credits', inFlight: 0 })
    await clock.advance(61_000)
    expect(scheduler.stats().providers.bfl?.requestsLastMinute).toBe(0)
  })
})

describe('backoff', () => {
  it('doubles per attempt between half and all of the step, up to the cap', () => {
    expect(backoff(0, () => 0)).toBe(500)
    expect(backoff(3, () => 1)).toBe(8000)
    expect(backoff(20, () => 1)).toBe(60_000)
    expect(backoff(20, () => 0)).toBe(30_000)
  })
})
