// Wondercat (= Wonda) contract tests against the simulator over real HTTP, through a real core where a core can
// drive it. The simulator follows Wonda's docs (docs/providers.md § Wondercat (= Wonda)), so an adapter that sends the wrong
// field, path or model id fails here.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { createWondercatAdapter, TRIM_RETIRED } from '../../../../src/main/core/providers/wondercat'
import { expectDone, expectKeySent, expectLedgerClean, faultSuite, history, idle, job, KEY, openHarness, queue, simJobOf, statusOf } from './harness'
import { until } from '../../../helpers/core'

async function png(dir: string, name = 'input.png'): Promise<{ path: string; name: string; mime: string; size: number; bytes: Buffer }> {
  const path = join(dir, name)
  await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0a8' } })
    .png()
    .toFile(path)
  const bytes = await readFile(path)
  return { path, name, mime: 'image/png', size: bytes.length, bytes }
}

describe.concurrent('Wondercat adapter', () => {
  it("generates images and videos with Wonda's own model ids and reads outputs[].media", async () => {
    const h = await openHarness('wondercat')
    const images = await queue(h, 'nano-banana-2', ['a cat in a hat', 'a dog in a bog'], { aspectRatio: '1:1', resolution: '1K' })
    const videos = await queue(h, 'seedance-2', ['a cat dancing'], { duration: '10', quality: 'high' })
    await idle(h)
    await expectDone(h, images, 'image/png')
    await expectDone(h, videos, 'video/mp4')
    for (const id of [...images, ...videos]) expect((await job(h, id)).assets).toHaveLength(1)
    const sim = h.sim.engine.jobs.get(await simJobOf(h, videos[0]))!
    // The composer's strings go typed as the catalogue says: duration is a number.
    expect(sim).toMatchObject({
      model: 'seedance-2',
      kind: 'video',
      extra: { route: '/video/generate', params: { duration: 10, quality: 'high' }, attachmentMediaIds: [] }
    })
    expect(h.sim.engine.jobs.get(await simJobOf(h, images[0]))!.extra.params).toEqual({ aspectRatio: '1:1', resolution: '1K' })
    const result = JSON.parse(h.core.store.job(videos[0])!.result_json!)
    expect(result).toEqual([expect.objectContaining({ mediaId: sim.extra.outputMediaId, mime: 'video/mp4' })])
    expectLedgerClean(h, { jobs: 3 })
    expectKeySent(h)
    const paths = h.sim.engine.requests.filter((r) => r.provider === 'wondercat').map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{16}/, ':id')}`)
    expect(new Set(paths)).toEqual(new Set(['POST /wondercat/image/generate', 'POST /wondercat/video/generate', 'GET /wondercat/jobs/inference/:id']))
  })

  it('makes music on /music/generate and speech on /audio/speech', async () => {
    const h = await openHarness('wondercat')
    const [music] = await queue(h, 'suno-music', ['upbeat lo-fi'], { instrumental: 'true' })
    const [speech] = await queue(h, 'elevenlabs-tts', ['Hello there'], { voiceId: '21m00Tcm4TlvDq8ikWAM' })
    await idle(h)
    await expectDone(h, [music, speech], /^audio\//)
    expect(h.sim.engine.jobs.get(await simJobOf(h, music))!.extra).toMatchObject({ route: '/music/generate', params: { instrumental: true } })
    expect(h.sim.engine.jobs.get(await simJobOf(h, speech))!.extra).toMatchObject({ route: '/audio/speech' })
  })

  it("sends any model id the user types: Wonda's own answer decides (an id it does not know: 400 validation_error)", async () => {
    const h = await openHarness('wondercat')
    // A real Wonda id the catalogue does not list works …
    const {
      jobIds: [veo]
    } = await h.core.api.queuePrompts({ prompts: ['a fast car'], provider: 'wondercat', model: 'veo3_1-fast', kind: 'video' })
    // … and the old guesses are refused by the provider, with its own words (no raw JSON).
    const [old] = await queue(h, 'wc-image', ['a guessed model'])
    await idle(h)
    await expectDone(h, [veo], 'video/mp4')
    const d = await job(h, old)
    expect(d.job.status, history(d.events)).toBe('failed')
    expect(d.job.error).toMatch(/refused the request \(400\): Unknown model 'wc-image'/)
    expect(d.job.error).not.toMatch(/[{}]/)
    expect(h.sim.engine.requests.filter((r) => r.method === 'POST').map((r) => `${r.path} ${r.status}`)).toEqual(
      expect.arrayContaining(['/wondercat/image/generate 400', '/wondercat/video/generate 200'])
    )
  })

  it("chains image → video: the step attaches the parent's output mediaId in attachmentMediaIds", async () => {
    const h = await openHarness('wondercat')
    const { jobIds } = await h.core.api.queuePrompts({
      prompts: ['a product on a table'],
      provider: 'wondercat',
      model: 'nano-banana-2',
      then: { model: 'seedance-2', params: { duration: 5 } }
    })
    expect(jobIds).toHaveLength(2)
    await idle(h)
    const [parent, child] = await Promise.all(jobIds.map((id) => job(h, id)))
    expect(child.job.parentJobId).toBe(parent.job.id)
    await expectDone(h, [jobIds[0]], 'image/png')
    await expectDone(h, [jobIds[1]], 'video/mp4')
    const parentMedia = JSON.parse(h.core.store.job(parent.job.id)!.result_json!)[0].mediaId as string
    const step = h.sim.engine.jobs.get(await simJobOf(h, child.job.id))!
    expect(step.extra).toMatchObject({ route: '/video/generate', attachmentMediaIds: [parentMedia] })
    expect(step.createdAt).toBeGreaterThanOrEqual(parent.job.finishedAt!)
    expectLedgerClean(h, { jobs: 2 })
  })

  it('uploads local input files (multipart field "file", streamed) and attaches their mediaIds', async () => {
    const h = await openHarness('wondercat')
    const dir = await mkdtemp(join(tmpdir(), 'wc-input-'))
    const a = await png(dir, 'first.png')
    const b = await png(dir, 'second.png')
    const adapter = createWondercatAdapter({ baseUrl: h.sim.baseUrl('wondercat'), apiKey: KEY })
    const ref = await adapter.submit({ kind: 'image', model: 'gpt-image-2', prompt: 'restyle both', params: {}, inputFiles: [a, b] })
    const sim = h.sim.engine.jobs.get(ref.id)!
    const ids = sim.extra.attachmentMediaIds as string[]
    expect(ids).toHaveLength(2)
    expect(h.sim.engine.uploads.get(ids[0])).toMatchObject({ mime: 'image/png', name: 'first.png' })
    expect(h.sim.engine.uploads.get(ids[0])!.bytes.equals(a.bytes)).toBe(true)
    expect(h.sim.engine.uploads.get(ids[1])!.name).toBe('second.png')
    const posts = h.sim.engine.requests.filter((r) => r.method === 'POST').map((r) => r.path)
    expect(posts).toEqual(['/wondercat/media/upload', '/wondercat/media/upload', '/wondercat/image/generate'])
    expect(h.sim.engine.requests.every((r) => r.carriedKey)).toBe(true)
    // The upload answer as documented: {mediaId, url, mimeType}.
    const media = await adapter.upload(a)
    expect(media).toEqual({ mediaId: expect.stringMatching(/^[0-9a-f-]{36}$/), url: expect.stringContaining('/uploads/'), mimeType: 'image/png' })
    expect(Buffer.from(await (await fetch(media.url)).arrayBuffer()).equals(a.bytes)).toBe(true)
  })

  it('uploads an input file named in the queue through the core, and refuses what Wonda does not take before sending', async () => {
    const h = await openHarness('wondercat')
    const dir = await mkdtemp(join(tmpdir(), 'wc-input-'))
    const picture = await png(dir)
    const {
      jobIds: [id]
    } = await h.core.api.queuePrompts({ prompts: ['animate it'], provider: 'wondercat', model: 'seedance-2', inputs: [{ path: picture.path }] })
    await idle(h)
    await expectDone(h, [id], 'video/mp4')
    const [upload] = [...h.sim.engine.uploads.keys()]
    expect(h.sim.engine.jobs.get(await simJobOf(h, id))!.extra.attachmentMediaIds).toEqual([upload])

    const adapter = createWondercatAdapter({ baseUrl: h.sim.baseUrl('wondercat'), apiKey: KEY })
    const before = h.sim.engine.requests.length
    const pdf = join(dir, 'doc.pdf')
    await writeFile(pdf, '%PDF-1.4\n')
    await expect(
      adapter.submit({
        kind: 'image',
        model: 'nano-banana-2',
        prompt: 'x',
        params: {},
        inputFiles: [{ path: pdf, name: 'doc.pdf', mime: 'application/pdf', size: 9 }]
      })
    ).rejects.toMatchObject({
      kind: 'rejected',
      message: expect.stringMatching(/does not take application\/pdf/)
    })
    await expect(
      adapter.submit({ kind: 'image', model: 'nano-banana-2', prompt: 'x', params: {}, inputFiles: [{ ...picture, size: 200 * 1024 * 1024 }] })
    ).rejects.toMatchObject({ kind: 'rejected', message: expect.stringMatching(/up to 100 MB/) })
    expect(h.sim.engine.requests.length).toBe(before)
    // A media id the account does not own is Wonda's 400, shown as its message.
    await expect(
      adapter.submit({ kind: 'image', model: 'nano-banana-2', prompt: 'x', params: {}, inputMedia: [{ mediaId: 'not-mine' }] })
    ).rejects.toMatchObject({ kind: 'rejected', message: expect.stringMatching(/Unknown attachmentMediaIds: not-mine$/) })
  })

  it('never sends a stored trim job: REST trimming is retired (410 Gone), said clearly', async () => {
    const h = await openHarness('wondercat')
    const adapter = createWondercatAdapter({ baseUrl: h.sim.baseUrl('wondercat'), apiKey: KEY })
    await expect(
      adapter.submit({ kind: 'trim', model: 'trim', prompt: 'trim it', params: { trimStartMs: 0, trimEndMs: 1000 }, inputMedia: [{ mediaId: 'm' }] })
    ).rejects.toMatchObject({ kind: 'rejected', message: TRIM_RETIRED })
    expect(h.sim.engine.requests).toHaveLength(0)
    // The simulator answers the retired endpoint as Wonda does, and the adapter's reading of a 410 is clear.
    const res = await fetch(`${h.sim.baseUrl('wondercat')}/video/edit`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body: '{"operation":"trim"}'
    })
    expect(res.status).toBe(410)
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('gone')
    expect(body.error.message).toMatch(/wonda edit video/)
  })

  it('maps all statuses of inference and publish jobs, and reads editor outputs without `media`', async () => {
    const h = await openHarness('wondercat')
    const adapter = createWondercatAdapter({ baseUrl: h.sim.baseUrl('wondercat'), apiKey: KEY })
    const engine = h.sim.engine
    const now = Date.now()
    const make = (jobType: string, shape: { createdAt: number; queuedMs: number; readyAt: number; fails?: boolean; canceledAt?: number }) => {
      const j = engine.createJob('wondercat', {
        model: 'seedance-2',
        kind: 'video',
        prompt: `${jobType} job`,
        extra: { jobType, outputMediaId: `media-${Math.random()}` }
      })
      Object.assign(j, shape)
      return j.id
    }
    const cases = [
      { type: 'inference', shape: { createdAt: now, queuedMs: 60_000, readyAt: now + 120_000 }, raw: 'idle', status: 'queued' },
      { type: 'inference', shape: { createdAt: now - 40_000, queuedMs: 60_000, readyAt: now + 120_000 }, raw: 'locked', status: 'queued' },
      { type: 'publish', shape: { createdAt: now, queuedMs: 60_000, readyAt: now + 120_000 }, raw: 'queued', status: 'queued' },
      { type: 'inference', shape: { createdAt: now - 10_000, queuedMs: 1000, readyAt: now + 120_000 }, raw: 'in_progress', status: 'running' },
      { type: 'inference', shape: { createdAt: now - 10_000, queuedMs: 1000, readyAt: now - 1 }, raw: 'succeeded', status: 'succeeded' },
      { type: 'editor', shape: { createdAt: now - 10_000, queuedMs: 1000, readyAt: now - 1 }, raw: 'succeeded', status: 'succeeded' },
      { type: 'inference', shape: { createdAt: now - 10_000, queuedMs: 1000, readyAt: now - 1, fails: true }, raw: 'failed', status: 'failed' },
      {
        type: 'inference',
        shape: { createdAt: now - 10_000, queuedMs: 1000, readyAt: now + 120_000, canceledAt: now - 5 },
        raw: 'canceled',
        status: 'canceled'
      }
    ]
    for (const c of cases) {
      const id = make(c.type, c.shape)
      const r = await adapter.poll({ id, type: c.type }, { sinceSubmitMs: 0 })
      expect(r, `${c.type} ${c.raw}`).toMatchObject({ rawStatus: c.raw, status: c.status, known: true })
      if (c.raw === 'succeeded')
        expect(r.files).toEqual([expect.objectContaining({ mediaId: engine.jobs.get(id)!.extra.outputMediaId, url: expect.stringContaining('.mp4') })])
      if (c.raw === 'failed') expect(r).toMatchObject({ error: 'The simulated model refused this prompt', retryable: true })
    }
    // The wrong type's path does not find a job: lost, not retried.
    const inference = make('inference', cases[0].shape)
    await expect(adapter.poll({ id: inference, type: 'publish' }, { sinceSubmitMs: 0 })).rejects.toMatchObject({
      kind: 'not_found',
      message: expect.stringMatching(/\(404\): Job not found$/)
    })
  })

  it('fails a job that succeeded without any media: "no output media"', async () => {
    const h = await openHarness('wondercat')
    h.sim.engine.options.onCreate = (j) => void (j.extra.noMedia = true)
    const [id] = await queue(h, 'nano-banana-2', ['succeeds with nothing'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status, history(d.events)).toBe('failed')
    expect(d.job.error).toMatch(/no output media/)
    expect(d.job.rawStatus).toBe('succeeded')
    expectLedgerClean(h, { jobs: 1, downloaded: false })
  })

  it('has no remote cancel (Wonda documents none): a cancel is local and the history says the provider may still finish', async () => {
    const h = await openHarness('wondercat', { sim: { durationMs: 20_000, onCreate: (j) => void (j.queuedMs = 50) } })
    expect(createWondercatAdapter({ baseUrl: h.sim.baseUrl('wondercat'), apiKey: KEY }).cancel).toBeUndefined()
    const [id] = await queue(h, 'seedance-2', ['a video to cancel'])
    await until(async () => (await job(h, id)).job.rawStatus === 'in_progress', 10_000, 'running at the provider')
    await h.core.api.cancelJobs({ ids: [id] })
    expect(await statusOf(h, id)).toBe('canceled')
    const d = await job(h, id)
    expect(d.events.find((e) => e.type === 'canceled')?.message).toMatch(/may still finish/)
    await new Promise((r) => setTimeout(r, 150))
    const simId = await simJobOf(h, id)
    const polls = h.sim.engine.ledger.get(simId)!.polls
    await new Promise((r) => setTimeout(r, 400))
    expect(h.sim.engine.ledger.get(simId)!.polls).toBe(polls)
    expect(h.sim.engine.requests.filter((r) => r.path.includes('cancel'))).toEqual([])
  })

  it('tests the connection on GET /balance and lists models from GET /capabilities', async () => {
    const h = await openHarness('wondercat')
    const adapter = createWondercatAdapter({ baseUrl: h.sim.baseUrl('wondercat'), apiKey: KEY })
    expect(await adapter.testConnection()).toBe('Connected: credit balance 1000')
    expect(h.sim.engine.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /wondercat/balance 200'])
    const models = await adapter.listModels!()
    expect(models).toEqual(
      expect.arrayContaining([
        { id: 'nano-banana-2', label: 'nano-banana-2', kind: 'image' },
        { id: 'seedance-2', label: 'seedance-2', kind: 'video' },
        { id: 'suno-music', label: 'suno-music', kind: 'audio' }
      ])
    )
    // A wrong base URL is said as such, never "connected".
    await expect(createWondercatAdapter({ baseUrl: `${h.sim.baseUrl('wondercat')}/v2`, apiKey: KEY }).testConnection()).rejects.toMatchObject({
      kind: 'rejected',
      message: expect.stringMatching(/no GET \/balance .*check the base URL/)
    })
    await expect(createWondercatAdapter({ baseUrl: h.sim.baseUrl('wondercat'), apiKey: 'sk_wrong' }).listModels!()).rejects.toMatchObject({
      kind: 'auth',
      message: 'Wondercat rejected the API key (401): Missing or invalid API key'
    })
  })

  faultSuite({ provider: 'wondercat', model: 'nano-banana-2' })
})
