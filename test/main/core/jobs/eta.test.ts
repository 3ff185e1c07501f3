// Time left from a model's own history: the median of its recent submit→ready durations, nothing before
// there is enough of it, and the run's end as the latest of its models'.
import { afterEach, describe, expect, it } from 'vitest'
import type { Core } from '../../../../src/main/core/core'
import { EtaBook, MIN_ETA_HISTORY, typicalDuration } from '../../../../src/main/core/jobs/eta'
import { openTestCore, until } from '../../../helpers/core'

let core: Core | undefined
afterEach(async () => {
  await core?.close()
  core = undefined
})

describe('typicalDuration', () => {
  it('is the median, and unknown with too little history', () => {
    expect(typicalDuration([1000, 3000])).toBeNull()
    expect(typicalDuration([5000, 1000, 3000])).toBe(3000)
    expect(typicalDuration([4000, 1000, 3000, 2000])).toBe(2500)
    expect(typicalDuration([NaN, -1, 1000, 2000])).toBeNull()
  })
})

describe('EtaBook', () => {
  const book = () => new EtaBook((_provider, model) => (model === 'known' ? [2000, 2000, 4000] : [1000]))
  it('dates a running job from its submit; nothing for a queued one or an unknown model', () => {
    expect(book().jobEta({ provider: 'demo', model: 'known', status: 'running', submitted_at: 10_000 })).toBe(12_000)
    expect(book().jobEta({ provider: 'demo', model: 'known', status: 'queued', submitted_at: null })).toBeNull()
    expect(book().jobEta({ provider: 'demo', model: 'new', status: 'running', submitted_at: 10_000 })).toBeNull()
  })
  it('ends a run with its latest model; unsent jobs count from now; unknown if any model is', () => {
    const sent = { batchId: 1, batchName: 'first', provider: 'demo' as const, model: 'known', unsent: 0, lastSubmittedAt: 10_000 }
    expect(book().runEta([sent], 11_000)).toBe(12_000)
    expect(book().runEta([{ ...sent, unsent: 3 }], 11_000)).toBe(13_000)
    expect(book().runEta([sent, { ...sent, model: 'new' }], 11_000)).toBeNull()
    expect(book().runEta([], 11_000)).toBeNull()
  })
  it('gives each batch its own time left, newest first, unknown only where its own models are', () => {
    const sent = { batchId: 1, batchName: 'first', provider: 'demo' as const, model: 'known', unsent: 0, lastSubmittedAt: 10_000 }
    const later = { ...sent, batchId: 2, batchName: 'second', unsent: 2 }
    const unknown = { ...sent, batchId: 3, batchName: 'third', model: 'new' }
    expect(book().batchEtas([sent, later, unknown], 11_000)).toEqual([
      { id: 3, name: 'third', etaAt: null },
      { id: 2, name: 'second', etaAt: 13_000 },
      { id: 1, name: 'first', etaAt: 12_000 }
    ])
  })
})

describe('the core', () => {
  it('puts etaAt on running jobs and the run once the model has history', async () => {
    core = await openTestCore({ stored: { demo: { durationMs: 300, failureRate: 0 } } })
    const first = await core.api.queuePrompts({ prompts: Array.from({ length: MIN_ETA_HISTORY }, (_, i) => `history ${i}`) })
    await core.poller.whenIdle()
    expect((await core.api.getStats(undefined)).etaAt).toBeNull()
    expect((await core.api.getJob({ id: first.jobIds[0] }))?.job.etaAt).toBeNull()

    await core.api.updateSettings({ demo: { durationMs: 5000 } })
    const { jobIds } = await core.api.queuePrompts({ prompts: ['slow'] })
    await until(async () => (await core!.api.getJob({ id: jobIds[0] }))?.job.status === 'running', 10_000, 'running')
    const job = (await core.api.getJob({ id: jobIds[0] }))!.job
    const durations = core.store.recentDurations('demo', job.model)
    expect(job.etaAt).toBe(Math.round(job.submittedAt! + typicalDuration(durations)!))
    const stats = await core.api.getStats(undefined)
    expect(stats.etaAt).toBe(job.etaAt)
    expect((await core.api.listJobs({})).jobs.find((j) => j.id === job.id)?.etaAt).toBe(job.etaAt)
  })
})
