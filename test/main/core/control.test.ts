// What a user can steer while work runs: pause and resume a batch or a provider, cancel and retry with the
// history kept, store a key (never shown back), and test a connection.
import { afterEach, describe, expect, it } from 'vitest'
import type { Core, KeyStore } from '../../../src/main/core/core'
import type { ProviderId } from '../../../src/shared/catalogue'
import { startSimulator, type Simulator } from '../../../src/main/demo/server'
import { openTestCore, until } from '../../helpers/core'

let core: Core | undefined
let sim: Simulator | undefined
afterEach(async () => {
  await core?.close()
  await sim?.close()
  core = sim = undefined
})

describe('steering work in progress', () => {
  it('pauses a batch (no new submits) and resumes it', async () => {
    core = await openTestCore()
    // Hold the provider so the batch is still unsent when it is paused.
    await core.api.pauseProvider({ provider: 'demo', paused: true })
    const { batchId, jobIds } = await core.api.queuePrompts({ prompts: ['p1', 'p2', 'p3'] })
    await core.api.pauseBatch({ batchId, paused: true })
    await core.api.pauseProvider({ provider: 'demo', paused: false })
    await core.poller.whenIdle()
    expect((await core.api.listBatches(undefined))[0].paused).toBe(true)
    expect((await core.api.listJobs({ status: ['queued'] })).total).toBe(3)
    expect(core.simulator.engine.ledger.size).toBe(0)
    expect((await core.api.pauseBatch({ batchId, paused: false })).changed).toBe(3)
    await core.poller.whenIdle()
    expect((await core.api.listJobs({ status: ['done'] })).total).toBe(jobIds.length)
  })

  it('pauses and resumes a provider', async () => {
    core = await openTestCore()
    const settings = await core.api.pauseProvider({ provider: 'demo', paused: true })
    expect(settings.providers.demo.pausedReason).toBe('Paused by you')
    await core.api.queuePrompts({ prompts: ['waits'] })
    await new Promise((r) => setTimeout(r, 300))
    expect(core.simulator.engine.ledger.size).toBe(0)
    await core.api.pauseProvider({ provider: 'demo', paused: false })
    await core.poller.whenIdle()
    expect((await core.api.listJobs({ status: ['done'] })).total).toBe(1)
  })

  it('cancels running jobs locally, then retries them as new attempts with the history kept', async () => {
    core = await openTestCore({ stored: { demo: { durationMs: 5000, failureRate: 0 } } })
    const { jobIds } = await core.api.queuePrompts({ prompts: ['slow one'] })
    await until(async () => (await core!.api.getJob({ id: jobIds[0] }))?.job.status === 'running', 10_000, 'running')
    expect((await core.api.cancelJobs({ ids: jobIds })).changed).toBe(1)
    const canceled = await core.api.getJob({ id: jobIds[0] })
    expect(canceled?.job.status).toBe('canceled')
    // LetzAI (the Demo's protocol) stops a running image: PUT /images/{id}/interruption.
    expect(canceled?.events.at(-1)?.message).toMatch(/asked the provider to stop it/)
    const pollsAtCancel = [...core.simulator.engine.ledger.values()][0].polls
    await core.api.updateSettings({ demo: { durationMs: 200 } })
    expect((await core.api.retryJobs({ ids: jobIds })).changed).toBe(1)
    await core.poller.whenIdle()
    const retried = await core.api.getJob({ id: jobIds[0] })
    expect(retried?.job).toMatchObject({ status: 'done', attempts: 2 })
    expect(retried?.events.map((e) => e.type)).toEqual(expect.arrayContaining(['canceled', 'retry', 'done']))
    // The canceled attempt was never polled again.
    expect([...core.simulator.engine.ledger.values()][0].polls).toBe(pollsAtCancel)
  })

  it('keeps a stored key in main: settings only say whether there is one', async () => {
    sim = await startSimulator({ durationMs: 100, keys: { letzai: 'right-key' } })
    const stored = new Map<ProviderId, string>()
    const keys: KeyStore = { get: (p) => stored.get(p) ?? null, set: (p, k) => (k ? stored.set(p, k) : stored.delete(p)) }
    core = await openTestCore({ keys, stored: { providers: { letzai: { baseUrl: sim.baseUrl('letzai') } } } })
    expect((await core.api.testConnection({ provider: 'letzai' })).ok).toBe(false)
    const settings = await core.api.setApiKey({ provider: 'letzai', key: 'wrong-key' })
    expect(settings.providers.letzai.hasKey).toBe(true)
    expect(JSON.stringify(settings)).not.toContain('wrong-key')
    const bad = await core.api.testConnection({ provider: 'letzai' })
    expect(bad).toEqual({ ok: false, message: expect.stringMatching(/rejected the API key \(401\)/) })
    await core.api.setApiKey({ provider: 'letzai', key: 'right-key' })
    expect(await core.api.testConnection({ provider: 'letzai' })).toEqual({ ok: true, message: 'Connected: the key was accepted' })
  })

  it('pauses a provider on a bad key instead of failing its jobs, and resumes when the key is fixed', async () => {
    sim = await startSimulator({ durationMs: 100, keys: { letzai: 'right-key' } })
    const stored = new Map<ProviderId, string>([['letzai', 'wrong']])
    const keys: KeyStore = { get: (p) => stored.get(p) ?? null, set: (p, k) => (k ? stored.set(p, k) : stored.delete(p)) }
    core = await openTestCore({ keys, stored: { providers: { letzai: { baseUrl: sim.baseUrl('letzai') } } } })
    const { jobIds } = await core.api.queuePrompts({ prompts: ['a', 'b', 'c'], provider: 'letzai' })
    // Submits already in flight when the first 401 came back are answered 401 too, then wait queued.
    await until(
      async () =>
        (await core!.api.getSettings(undefined)).providers.letzai.pausedReason !== null && (await core!.api.getStatusCounts(undefined)).submitting === 0,
      10_000,
      'pause'
    )
    const { jobs } = await core.api.listJobs({})
    expect(jobs.every((j) => j.status === 'queued')).toBe(true)
    expect((await core.api.getJob({ id: jobIds[0] }))?.events.map((e) => e.message).join('\n')).toMatch(/queue is paused until the key/)
    await core.api.setApiKey({ provider: 'letzai', key: 'right-key' })
    await core.poller.whenIdle()
    expect((await core.api.listJobs({ status: ['done'] })).total).toBe(3)
    expect([...sim.engine.ledger.values()].every((e) => e.submits === 1)).toBe(true)
  })
})

describe('polling settings', () => {
  it('switches a provider to its docs recipe and a smaller budget, at run time', async () => {
    core = await openTestCore()
    expect((await core.api.getSettings(undefined)).providers.demo).toMatchObject({ strategy: 'learned', rate: 50, burst: 100, concurrency: 32 })
    const settings = await core.api.updateSettings({ polling: { demo: { strategy: 'docs', rate: 2, burst: 1, concurrency: 1 } } })
    expect(settings.providers.demo).toMatchObject({ strategy: 'docs', rate: 2, burst: 1, concurrency: 1 })
    await core.api.queuePrompts({ prompts: ['a', 'b', 'c', 'd', 'e'] })
    await core.poller.whenIdle()
    // Every request to the provider's API kept to the budget: one burst plus two a second. Downloads from
    // its delivery host (another origin) are not the API's and do not wait for it.
    const all = core.simulator.engine.requests
    const times = all
      .filter((r) => r.provider !== 'files')
      .map((r) => r.at)
      .sort((a, b) => a - b)
    expect(times.length).toBeGreaterThanOrEqual(10)
    const busiestSecond = Math.max(...times.map((t, i) => times.slice(i).filter((u) => u < t + 1000).length))
    expect(busiestSecond).toBeLessThanOrEqual(3)
    expect(all.filter((r) => r.provider === 'files')).toHaveLength(5)
    expect(core.poller.stats().providers.demo?.requestsLastMinute).toBe(all.length)
    await expect(core.api.updateSettings({ baseUrls: { letzai: 'http://example.com/api' } })).rejects.toThrow(/must use https/)
  })
})

describe('chained steps', () => {
  it('starts a chained step from its parent output once the parent is done, and fails it with the parent', async () => {
    core = await openTestCore()
    const { jobIds } = await core.api.queuePrompts({ prompts: ['a castle'], then: { model: 'upscales', params: { strength: 2 } } })
    expect(jobIds).toHaveLength(2)
    await core.poller.whenIdle()
    const parent = await core.api.getJob({ id: jobIds[0] })
    const child = await core.api.getJob({ id: jobIds[1] })
    expect(child?.job).toMatchObject({ parentJobId: jobIds[0], kind: 'upscale', status: 'done' })
    // The child was submitted only after the parent's file was saved, with the parent's result URL.
    const parentDone = parent!.events.find((e) => e.type === 'done')!.at
    expect(child!.events.find((e) => e.type === 'submit')!.at).toBeGreaterThanOrEqual(parentDone)
    const sim = [...core.simulator.engine.jobs.values()].find((j) => j.model === 'upscales')
    expect(sim?.extra.imageUrl).toMatch(/\/files\/[0-9a-f]+\/0\.png/)

    await core.api.updateSettings({ demo: { failureRate: 1 } })
    const second = await core.api.queuePrompts({ prompts: ['doomed'], then: { model: 'upscales' } })
    await core.poller.whenIdle()
    const orphan = await core.api.getJob({ id: second.jobIds[1] })
    expect(orphan?.job).toMatchObject({ status: 'failed', error: 'The step it starts from failed' })
    expect([...core.simulator.engine.jobs.values()].filter((j) => j.model === 'upscales')).toHaveLength(1)
  })
})

describe('timeouts', () => {
  it('hands a job that runs past the configured max wait to the user, with the reason in its history', async () => {
    core = await openTestCore({ stored: { demo: { durationMs: 60_000, failureRate: 0 }, providers: { demo: { maxWaitSeconds: 1, strategy: 'fixed' } } } })
    const { jobIds } = await core.api.queuePrompts({ prompts: ['takes forever'] })
    await core.poller.whenIdle()
    const detail = await core.api.getJob({ id: jobIds[0] })
    expect(detail?.job.status).toBe('needs_attention')
    expect(detail?.job.error).toMatch(/No result after \d+ s \(limit 1 s\)/)
    expect(detail?.events.at(-1)?.message).toMatch(/offered for resubmission/)
  })
})

describe('developer fault injection', () => {
  it('injects the faults named in settings into the built-in simulator, and the job still ends right', async () => {
    core = await openTestCore({
      stored: {
        demo: { durationMs: 200, failureRate: 0 },
        simulatorFaults: {
          letzai: [
            { on: 'poll', fault: '500', times: 2 },
            { on: 'submit', fault: '429', times: 1, retryAfter: '1' }
          ]
        }
      }
    })
    const { jobIds } = await core.api.queuePrompts({ prompts: ['under fire'] })
    await core.poller.whenIdle()
    const detail = await core.api.getJob({ id: jobIds[0] })
    expect(detail?.job.status).toBe('done')
    const types = detail!.events.map((e) => e.type)
    expect(types.filter((t) => t === 'rate_limited')).toHaveLength(1)
    expect(detail!.events.filter((e) => e.type === 'retry' && /server error 500/.test(e.message))).toHaveLength(2)
  })
})
