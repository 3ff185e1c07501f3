// Wondercat contract tests against the simulator over real HTTP, through a real core where a core can drive it.
import { describe, expect, it } from 'vitest'
import { createWondercatAdapter } from '../../../../src/main/core/providers/wondercat'
import { promptPng } from '../../../../src/main/core/simulator/media'
import { expectDone, expectKeySent, expectLedgerClean, faultSuite, history, idle, job, KEY, openHarness, queue, simJobOf, statusOf } from './harness'
import { until } from '../../../helpers/core'

describe.concurrent('Wondercat adapter', () => {
  it('generates images and videos (inference jobs), keeping only outputs that have media', async () => {
    const h = await openHarness('wondercat')
    const images = await queue(h, 'wc-image', ['a cat in a hat', 'a dog in a bog'])
    const videos = await queue(h, 'wc-video', ['a cat dancing'])
    await idle(h)
    await expectDone(h, images, 'image/png')
    await expectDone(h, videos, 'video/mp4')
    // The simulator lists a media-less log output before the media: one file per job.
    for (const id of [...images, ...videos]) expect((await job(h, id)).assets).toHaveLength(1)
    const result = JSON.parse(h.core.store.job(videos[0])!.result_json!)
    expect(result).toEqual([expect.objectContaining({ mediaId: expect.stringMatching(/^med_/), mime: 'video/mp4' })])
    expectLedgerClean(h, { jobs: 3 })
    expectKeySent(h)
    const paths = h.sim.engine.requests.filter((r) => r.provider === 'wondercat').map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{16}/, ':id')}`)
    expect(new Set(paths)).toEqual(new Set(['POST /wondercat/image/generate', 'POST /wondercat/video/generate', 'GET /wondercat/jobs/inference/:id']))
  })

  it('chains generate → trim: the edit step starts from the parent output mediaId and polls the editor path', async () => {
    const h = await openHarness('wondercat')
    const { jobIds } = await h.core.api.queuePrompts({ prompts: ['a long video to trim'], provider: 'wondercat', model: 'wc-video', then: { model: 'trim', params: { trimStartMs: 0, trimEndMs: 1000 } } })
    expect(jobIds).toHaveLength(2)
    await idle(h)
    const [parent, child] = await Promise.all(jobIds.map((id) => job(h, id)))
    expect(child.job.parentJobId).toBe(parent.job.id)
    await expectDone(h, jobIds, 'video/mp4')
    const parentMedia = JSON.parse(h.core.store.job(parent.job.id)!.result_json!)[0].mediaId as string
    expect(parentMedia).toMatch(/^med_/)
    const edit = h.sim.engine.jobs.get(await simJobOf(h, child.job.id))!
    expect(edit.extra).toMatchObject({ type: 'editor', operation: 'trim', mediaIds: [parentMedia], params: { trimStartMs: 0, trimEndMs: 1000 } })
    // The step was submitted only after the parent was done.
    expect(edit.createdAt).toBeGreaterThanOrEqual(parent.job.finishedAt!)
    expect(h.sim.engine.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['/wondercat/video/generate', '/wondercat/video/edit'])
    expect(h.sim.engine.requests.some((r) => r.path === `/wondercat/jobs/editor/${edit.id}`)).toBe(true)
    expectLedgerClean(h, { jobs: 2 })
  })

  it('refuses a trim without a parent video instead of sending it', async () => {
    const h = await openHarness('wondercat')
    const [id] = await queue(h, 'trim', ['trim nothing'], { trimStartMs: 0, trimEndMs: 1000 })
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status).toBe('failed')
    expect(d.job.error).toMatch(/needs a video/)
    expect(h.sim.engine.requests).toHaveLength(0)
  })

  it('maps all seven statuses of the three job types', async () => {
    const h = await openHarness('wondercat')
    const adapter = createWondercatAdapter({ baseUrl: h.sim.baseUrl('wondercat'), apiKey: KEY })
    const engine = h.sim.engine
    const now = Date.now()
    const make = (type: string, shape: { createdAt: number; queuedMs: number; readyAt: number; fails?: boolean; canceledAt?: number }) => {
      const j = engine.createJob('wondercat', { model: 'wc-video', kind: 'video', prompt: `${type} job`, extra: { type } })
      Object.assign(j, shape)
      return j.id
    }
    const cases = [
      { type: 'inference', shape: { createdAt: now, queuedMs: 60_000, readyAt: now + 120_000 }, raw: 'idle', status: 'queued' },
      { type: 'inference', shape: { createdAt: now - 40_000, queuedMs: 60_000, readyAt: now + 120_000 }, raw: 'locked', status: 'queued' },
      { type: 'publish', shape: { createdAt: now, queuedMs: 60_000, readyAt: now + 120_000 }, raw: 'queued', status: 'queued' },
      { type: 'editor', shape: { createdAt: now - 10_000, queuedMs: 1000, readyAt: now + 120_000 }, raw: 'in_progress', status: 'running' },
      { type: 'publish', shape: { createdAt: now - 10_000, queuedMs: 1000, readyAt: now - 1 }, raw: 'succeeded', status: 'succeeded' },
      { type: 'editor', shape: { createdAt: now - 10_000, queuedMs: 1000, readyAt: now - 1, fails: true }, raw: 'failed', status: 'failed' },
      { type: 'inference', shape: { createdAt: now - 10_000, queuedMs: 1000, readyAt: now + 120_000, canceledAt: now - 5 }, raw: 'canceled', status: 'canceled' }
    ]
    for (const c of cases) {
      const id = make(c.type, c.shape)
      const r = await adapter.poll({ id, type: c.type }, { sinceSubmitMs: 0 })
      expect(r, `${c.type} ${c.raw}`).toMatchObject({ rawStatus: c.raw, status: c.status, known: true })
      if (c.raw === 'succeeded') expect(r.files).toEqual([expect.objectContaining({ mediaId: `med_${id}_0` })])
      if (c.raw === 'failed') expect(r.error).toMatch(/refused/)
    }
    expect(new Set(engine.requests.map((r) => r.path.split('/')[3]))).toEqual(new Set(['inference', 'editor', 'publish']))
    // The wrong type's path does not find a job.
    const inference = make('inference', cases[0].shape)
    await expect(adapter.poll({ id: inference, type: 'editor' }, { sinceSubmitMs: 0 })).rejects.toMatchObject({ kind: 'not_found' })
  })

  it('fails a job that succeeded without any media: "no output"', async () => {
    const h = await openHarness('wondercat')
    h.sim.engine.options.onCreate = (j) => void (j.extra.noMedia = true)
    const [id] = await queue(h, 'wc-image', ['succeeds with nothing'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status, history(d.events)).toBe('failed')
    expect(d.job.error).toMatch(/no output/)
    expect(d.job.rawStatus).toBe('succeeded')
    expectLedgerClean(h, { jobs: 1, downloaded: false })
  })

  it('cancels at the provider (POST /jobs/{type}/{id}/cancel) and stops polling', async () => {
    const h = await openHarness('wondercat', { sim: { durationMs: 20_000, onCreate: (j) => void (j.queuedMs = 50) } })
    const [id] = await queue(h, 'wc-video', ['a video to cancel'])
    await until(async () => (await job(h, id)).job.rawStatus === 'in_progress', 10_000, 'running at the provider')
    const simId = await simJobOf(h, id)
    await h.core.api.cancelJobs({ ids: [id] })
    await until(() => h.sim.engine.jobs.get(simId)!.canceledAt !== null, 5000, 'canceled at the provider')
    expect(await statusOf(h, id)).toBe('canceled')
    const cancel = h.sim.engine.requests.filter((r) => r.target === 'cancel')
    expect(cancel).toMatchObject([{ method: 'POST', path: `/wondercat/jobs/inference/${simId}/cancel`, carriedKey: true, status: 200 }])
    // (A poll already on its way when the user canceled may still land; nothing is sent after that.)
    await new Promise((r) => setTimeout(r, 150))
    const polls = h.sim.engine.ledger.get(simId)!.polls
    await new Promise((r) => setTimeout(r, 400))
    expect(h.sim.engine.ledger.get(simId)!.polls).toBe(polls)
    // The provider now reports it canceled.
    const adapter = createWondercatAdapter({ baseUrl: h.sim.baseUrl('wondercat'), apiKey: KEY })
    expect(await adapter.poll({ id: simId, type: 'inference' }, { sinceSubmitMs: 0 })).toMatchObject({ status: 'canceled', rawStatus: 'canceled' })
    const d = await job(h, id)
    expect(d.events.find((e) => e.type === 'canceled')?.message).toMatch(/asked the provider/)
  })

  it('uploads media (multipart "file" → {mediaId, url}) and generates from it', async () => {
    const h = await openHarness('wondercat')
    const adapter = createWondercatAdapter({ baseUrl: h.sim.baseUrl('wondercat'), apiKey: KEY })
    const png = promptPng('an uploaded picture', 32, 32)
    const media = await adapter.upload(new Blob([new Uint8Array(png)], { type: 'image/png' }), 'picture.png')
    expect(media.mediaId).toMatch(/^upl_/)
    const stored = h.sim.engine.uploads.get(media.mediaId)!
    expect(stored).toMatchObject({ mime: 'image/png', name: 'picture.png' })
    expect(stored.bytes.equals(png)).toBe(true)
    const served = await fetch(media.url)
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true)
    const upload = h.sim.engine.requests.find((r) => r.path === '/wondercat/media/upload')
    expect(upload).toMatchObject({ method: 'POST', carriedKey: true, status: 200 })
    const ref = await adapter.submit({ kind: 'image', model: 'wc-image', prompt: 'restyle it', params: {}, inputMedia: [{ mediaId: media.mediaId, url: media.url }] })
    expect(ref.type).toBe('inference')
    expect(h.sim.engine.jobs.get(ref.id)!.extra.inputMediaIds).toEqual([media.mediaId])
    // An unknown input media id is refused (not a job failure that retrying could fix).
    await expect(adapter.submit({ kind: 'image', model: 'wc-image', prompt: 'x', params: {}, inputMedia: [{ mediaId: 'upl_nope' }] })).rejects.toMatchObject({ kind: 'rejected' })
    expect(h.sim.engine.requests.filter((r) => r.provider === 'files' && r.carriedKey)).toEqual([])
  })

  faultSuite({ provider: 'wondercat', model: 'wc-image' })
})
