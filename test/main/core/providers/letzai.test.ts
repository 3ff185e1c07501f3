// LetzAI contract tests against the simulator over real HTTP, through a real core, and the adapter called directly.
// The simulator follows LetzAI's own material (docs/providers.md § LetzAI (and the Demo)), so these fail when the adapter guesses.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { createLetzaiAdapter } from '../../../../src/main/core/providers/letzai'
import { createAdapter } from '../../../../src/main/core/providers/registry'
import type { InputFile, PollResult, ProviderAdapter, ProviderRef } from '../../../../src/main/core/providers/types'
import { until } from '../../../helpers/core'
import { expectDone, expectKeySent, expectLedgerClean, faultSuite, history, idle, job, KEY, openHarness, queue, type Harness } from './harness'

const dir = mkdtempSync(join(tmpdir(), 'letzai-test-'))
const png = await sharp({ create: { width: 16, height: 12, channels: 3, background: '#c04020' } })
  .png()
  .toBuffer()
const pngPath = join(dir, 'castle.png')
writeFileSync(pngPath, png)
const pngFile: InputFile = { path: pngPath, name: 'castle.png', mime: 'image/png', size: png.length }

function adapterOf(h: Harness, key: string | null = KEY): ProviderAdapter {
  return createLetzaiAdapter({ baseUrl: h.sim.baseUrl('letzai'), apiKey: key })
}

async function pollUntilDone(adapter: ProviderAdapter, ref: ProviderRef, timeoutMs = 10_000): Promise<PollResult> {
  const started = Date.now()
  for (;;) {
    const r = await adapter.poll(ref, { sinceSubmitMs: Date.now() - started })
    if (r.status !== 'queued' && r.status !== 'running') return r
    if (Date.now() - started > timeoutMs) throw new Error(`still ${r.rawStatus} after ${timeoutMs} ms`)
    await new Promise((res) => setTimeout(res, 50))
  }
}

const letzaiRequests = (h: Harness) => h.sim.engine.requests.filter((r) => r.provider === 'letzai')

describe.concurrent('LetzAI adapter', () => {
  it('runs images, videos, edits and upscales on the real paths, local pictures uploaded through /user-assets', async () => {
    const h = await openHarness('letzai')
    const [image] = await queue(h, 'images', ['a castle'], { width: 1024, height: 768, quality: 2 })
    const inputs = [{ path: pngPath }]
    const {
      jobIds: [video]
    } = await h.core.api.queuePrompts({
      prompts: ['the castle at night'],
      provider: 'letzai',
      model: 'videos',
      inputs,
      params: { videoModel: 'video-kling26', duration: 5 }
    })
    const {
      jobIds: [edit]
    } = await h.core.api.queuePrompts({
      prompts: ['make it snow'],
      provider: 'letzai',
      model: 'image-edits',
      inputs,
      params: { mode: 'context', resolution: '2k' }
    })
    const {
      jobIds: [upscale]
    } = await h.core.api.queuePrompts({ prompts: ['upscale the castle'], provider: 'letzai', model: 'upscales', inputs, params: { strength: 2 } })
    await idle(h)
    await expectDone(h, [image, edit, upscale], 'image/png')
    await expectDone(h, [video], 'video/mp4')
    expectLedgerClean(h, { jobs: 4 })
    expectKeySent(h)
    const posts = letzaiRequests(h)
      .filter((r) => r.method === 'POST')
      .map((r) => r.path)
    expect(posts.filter((p) => p !== '/letzai/user-assets').sort()).toEqual(['/letzai/image-edits', '/letzai/images', '/letzai/upscale', '/letzai/videos'])
    expect(posts.filter((p) => p === '/letzai/user-assets')).toHaveLength(3)
    // The bytes went to the pre-signed URL without the key, and arrived whole.
    const puts = letzaiRequests(h).filter((r) => r.method === 'PUT')
    expect(puts).toHaveLength(3)
    expect(puts.every((r) => r.path.startsWith('/letzai/__s3/') && !r.carriedKey && r.status === 200)).toBe(true)
    const gets = new Set(
      letzaiRequests(h)
        .filter((r) => r.method === 'GET')
        .map((r) => r.path.split('/')[2])
    )
    expect(gets).toEqual(new Set(['images', 'videos', 'image-edits', 'upscale']))
    const sims = [...h.sim.engine.jobs.values()]
    for (const endpoint of ['videos', 'image-edits', 'upscale']) {
      const url = sims.find((j) => j.extra.endpoint === endpoint)?.extra.imageUrl as string
      expect(url, endpoint).toMatch(/\/uploads\/[0-9a-f]+$/)
      expect(h.sim.engine.uploads.get(url.split('/').at(-1)!)?.bytes.equals(png), endpoint).toBe(true)
    }
    expect(sims.find((j) => j.extra.endpoint === 'videos')?.extra.settings).toEqual({ mode: 'video-kling26', duration: 5 })
    expect(sims.find((j) => j.extra.endpoint === 'image-edits')?.extra).toMatchObject({ mode: 'context', settings: { resolution: '2k' } })
    expect(sims.find((j) => j.extra.endpoint === 'upscale')?.extra).toMatchObject({ strength: 2, mode: 'default' })
  })

  it('always sends hasWatermark (false unless asked: LetzAI itself defaults to true) and the base model', async () => {
    const h = await openHarness('letzai')
    const adapter = adapterOf(h)
    await adapter.submit({ kind: 'image', model: 'images', prompt: 'no mark', params: { baseModel: 'flux2' } })
    await adapter.submit({ kind: 'image', model: 'images', prompt: 'marked', params: { hasWatermark: 'true', baseModel: 'seedream-4-5-251128', mode: '' } })
    const byPrompt = Object.fromEntries([...h.sim.engine.jobs.values()].map((j) => [j.prompt, j.extra]))
    expect(byPrompt['no mark']).toMatchObject({ hasWatermark: false, baseModel: 'flux2' })
    expect(byPrompt.marked).toMatchObject({ hasWatermark: true, baseModel: 'seedream-4-5-251128' })
  })

  it('treats "generating" as running, reports progress 0–1, and says when to look again', async () => {
    const h = await openHarness('letzai', { sim: { durationMs: 3000, onCreate: (j) => void (j.queuedMs = 50) } })
    const adapter = adapterOf(h)
    const ref = await adapter.submit({ kind: 'image', model: 'images', prompt: 'progress please', params: {} })
    expect(ref).toMatchObject({ endpoint: 'images' })
    await new Promise((r) => setTimeout(r, 600))
    const r = await adapter.poll(ref, { sinceSubmitMs: 600 })
    expect(r).toMatchObject({ status: 'running', rawStatus: 'generating', known: true })
    expect(r.progress).toBeGreaterThan(0)
    expect(r.progress).toBeLessThan(1)
    // And through the core: the history records the provider's word.
    const [id] = await queue(h, 'images', ['history please'])
    await until(async () => (await job(h, id)).events.some((e) => e.message === 'Provider says "generating"'), 5000, 'generating recorded')
  })

  it('downloads only `imageVersions.original`, and a video from videoPaths or videoVersions', async () => {
    const h = await openHarness('letzai', { sim: { onCreate: (j) => void (j.prompt.includes('newer') && (j.extra.videoShape = 'videoVersions')) } })
    const [image] = await queue(h, 'images', ['versions'])
    const {
      jobIds: [video]
    } = await h.core.api.queuePrompts({ prompts: ['video paths'], provider: 'letzai', model: 'videos', inputs: [{ path: pngPath }] })
    const {
      jobIds: [newer]
    } = await h.core.api.queuePrompts({ prompts: ['newer video versions'], provider: 'letzai', model: 'videos', inputs: [{ path: pngPath }] })
    await idle(h)
    for (const id of [image, video, newer]) {
      const result = JSON.parse(h.core.store.job(id)!.result_json!) as { url: string }[]
      expect(result).toHaveLength(1)
      expect(result[0].url).toMatch(/\/files\/[0-9a-f]+\/0\.(png|mp4)\?exp=\d+$/)
      expect((await job(h, id)).assets).toHaveLength(1)
    }
    await expectDone(h, [video, newer], 'video/mp4')
  })

  it("fails a job with the provider's own words (progressMessage / statusDetail)", async () => {
    const h = await openHarness('letzai', { sim: { failureRate: 1 } })
    const [id] = await queue(h, 'images', ['refused'])
    const {
      jobIds: [edit]
    } = await h.core.api.queuePrompts({ prompts: ['refused edit'], provider: 'letzai', model: 'image-edits', inputs: [{ path: pngPath }] })
    await idle(h)
    for (const jobId of [id, edit]) {
      const d = await job(h, jobId)
      expect(d.job.status).toBe('failed')
      expect(d.job.error).toMatch(/LetzAI: Generation failed: the simulated model refused this prompt/)
      expect(d.job.rawStatus).toBe('failed')
    }
    expectLedgerClean(h, { jobs: 2, downloaded: false })
  })

  it("refuses bad requests with LetzAI's own validation words, never raw JSON", async () => {
    const h = await openHarness('letzai')
    const adapter = adapterOf(h)
    const refused = async (p: Promise<unknown>) => {
      const err = (await p.then(
        () => null,
        (e: unknown) => e
      )) as { kind: string; message: string } | null
      expect(err).not.toBeNull()
      expect(err!.kind).toBe('rejected')
      expect(err!.message).not.toMatch(/[{}[\]]|"message"|statusCode/)
      return err!.message
    }
    expect(await refused(adapter.submit({ kind: 'image', model: 'images', prompt: 'too wide', params: { width: 99999 } }))).toMatch(
      /LetzAI refused the request \(400\): width must not be less than 480 and not greater than 2160/
    )
    expect(await refused(adapter.submit({ kind: 'image', model: 'images', prompt: 'seeded', params: { seed: 7, negativePrompt: 'blur' } }))).toMatch(
      /property seed should not exist; property negativePrompt should not exist/
    )
    expect(await refused(adapter.submit({ kind: 'video', model: 'videos', prompt: 'no picture', params: {} }))).toMatch(/a video starts from a source image/)
    expect(await refused(adapter.submit({ kind: 'edit', model: 'image-edits', prompt: 'inpaint', params: { mode: 'in' }, inputFiles: [pngFile] }))).toMatch(
      /mask .* is required for mode "in"/
    )
    expect(await refused(adapter.submit({ kind: 'upscale', model: 'upscales', prompt: '', params: {} }))).toMatch(/imageId or imageUrl is required/)
    expect(h.sim.engine.jobs.size).toBe(0)
  })

  it('knows /upscale is singular: /upscales (the web app route) is a 404, and old refs poll the right path', async () => {
    // As a Demo job saved by the earlier simulator would be: no endpoint recorded, only the catalogue name.
    const h = await openHarness('letzai', { sim: { onCreate: (j) => void delete j.extra.endpoint } })
    const res = await fetch(`${h.sim.baseUrl('letzai')}/upscales`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body: '{"imageUrl":"https://example.com/a.png"}'
    })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ message: 'Cannot POST /upscales', statusCode: 404 })
    const adapter = adapterOf(h)
    const ref = await adapter.submit({ kind: 'upscale', model: 'upscales', prompt: 'up', params: {}, inputMedia: [{ url: 'https://example.com/a.png' }] })
    expect(ref.endpoint).toBe('upscale')
    const r = await pollUntilDone(adapter, { ...ref, endpoint: 'upscales' })
    expect(r.status).toBe('succeeded')
    expect(
      letzaiRequests(h)
        .filter((q) => q.method === 'GET')
        .every((q) => q.path.startsWith('/letzai/upscale/'))
    ).toBe(true)
  })

  it("tests the connection on GET /images (the account's own list): a wrong key or a wrong base URL is no connection", async () => {
    const h = await openHarness('letzai')
    expect(await adapterOf(h).testConnection()).toMatch(/Connected/)
    expect(letzaiRequests(h).at(-1)).toMatchObject({ method: 'GET', path: '/letzai/images', carriedKey: true, status: 200 })
    await expect(adapterOf(h, 'wrong-key').testConnection()).rejects.toMatchObject({ kind: 'auth' })
    await expect(adapterOf(h, null).testConnection()).rejects.toMatchObject({ kind: 'auth' })
    const wrongBase = createLetzaiAdapter({ baseUrl: `${h.sim.baseUrl('letzai')}/v1`, apiKey: KEY })
    await expect(wrongBase.testConnection()).rejects.toMatchObject({ kind: 'rejected', message: expect.stringMatching(/check the base URL/) })
  })

  it('cancels an image with PUT /images/{id}/interruption (204: "interrupted"); other kinds say they cannot be stopped', async () => {
    const h = await openHarness('letzai', { sim: { durationMs: 5000 } })
    const adapter = adapterOf(h)
    const ref = await adapter.submit({ kind: 'image', model: 'images', prompt: 'stop me', params: {} })
    await adapter.cancel!(ref)
    const put = letzaiRequests(h).find((r) => r.method === 'PUT')
    expect(put).toMatchObject({ path: `/letzai/images/${ref.id}/interruption`, status: 204, target: 'cancel', carriedKey: true })
    expect(await adapter.poll(ref, { sinceSubmitMs: 100 })).toMatchObject({ status: 'canceled', rawStatus: 'interrupted', known: true })
    // Once it is over, LetzAI answers 400, which is reported.
    await expect(adapter.cancel!(ref)).rejects.toMatchObject({ kind: 'rejected', message: expect.stringMatching(/not running any more/) })
    const upscale = await adapter.submit({ kind: 'upscale', model: 'upscales', prompt: '', params: {}, inputMedia: [{ url: 'https://example.com/a.png' }] })
    await expect(adapter.cancel!(upscale)).rejects.toMatchObject({ kind: 'rejected', message: expect.stringMatching(/no way to stop an upscale/) })
  })

  it('cancels a running image job from the queue at LetzAI too', async () => {
    const h = await openHarness('letzai', { sim: { durationMs: 8000 } })
    const [id] = await queue(h, 'images', ['cancel from the queue'])
    await until(async () => (await job(h, id)).job.status === 'running', 5000, 'running')
    await h.core.api.cancelJobs({ ids: [id] })
    await until(async () => letzaiRequests(h).some((r) => r.target === 'cancel'), 5000, 'remote cancel sent')
    const simJob = [...h.sim.engine.jobs.values()][0]
    expect(simJob.canceledAt).not.toBeNull()
    expect((await job(h, id)).job.status).toBe('canceled')
  })

  it("uploads a local picture the provider's way: keyless PUT to the pre-signed URL, never a data URL; refuses what it cannot take", async () => {
    const h = await openHarness('letzai')
    const adapter = adapterOf(h)
    const ref = await adapter.submit({
      kind: 'edit',
      model: 'image-edits',
      prompt: 'add a moat',
      params: { baseModel: 'gemini-3-pro-image' },
      inputFiles: [pngFile, pngFile]
    })
    expect(ref.endpoint).toBe('image-edits')
    const sim = [...h.sim.engine.jobs.values()][0]
    // Two pictures: the multi-reference field; the base model on top and in settings, as the skill advises.
    expect(sim.extra.inputImageUrls).toHaveLength(2)
    expect(sim.extra).toMatchObject({ baseModel: 'gemini-3-pro-image', settings: { model: 'gemini-3-pro-image' } })
    expect((await pollUntilDone(adapter, ref)).files).toHaveLength(1)
    const assets = letzaiRequests(h).filter((r) => r.path === '/letzai/user-assets')
    expect(assets.every((r) => r.carriedKey)).toBe(true)
    // The simulator's S3 refuses the key on a pre-signed URL, as S3 does.
    const res = await fetch(`${h.sim.baseUrl('letzai')}/user-assets`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body: '{"extension":"png"}'
    })
    const asset = (await res.json()) as { uploadUrl: string; imageUrl: string }
    const withKey = await fetch(asset.uploadUrl, { method: 'PUT', headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'image/png' }, body: png })
    expect(withKey.status).toBe(400)
    expect(await withKey.text()).toMatch(/Only one auth mechanism allowed/)
    // A picture that never arrived fails the job (LetzAI cannot load it).
    const skipped = await adapter.submit({ kind: 'upscale', model: 'upscales', prompt: '', params: {}, inputMedia: [{ url: asset.imageUrl }] })
    expect(await pollUntilDone(adapter, skipped)).toMatchObject({ status: 'failed', error: expect.stringMatching(/Could not load the input image/) })
    // A data URL is not a URL LetzAI fetches.
    await expect(
      adapter.submit({ kind: 'upscale', model: 'upscales', prompt: '', params: { imageUrl: `data:image/png;base64,${png.toString('base64')}` } })
    ).rejects.toMatchObject({ message: expect.stringMatching(/imageUrl must be a URL address/) })
    // Input files on an image generation, or of a type LetzAI does not take, are refused before anything is sent.
    const before = h.sim.engine.requests.length
    await expect(adapter.submit({ kind: 'image', model: 'images', prompt: 'x', params: {}, inputFiles: [pngFile] })).rejects.toMatchObject({
      kind: 'rejected',
      message: expect.stringMatching(/use an image edit/)
    })
    await expect(
      adapter.submit({ kind: 'edit', model: 'image-edits', prompt: 'x', params: {}, inputFiles: [{ ...pngFile, mime: 'application/pdf', name: 'a.pdf' }] })
    ).rejects.toMatchObject({ kind: 'rejected', message: expect.stringMatching(/does not take application\/pdf/) })
    expect(h.sim.engine.requests.length).toBe(before)
  })

  it('the Demo edits and upscales a local picture offline, against the built-in simulator, without a key', async () => {
    const h = await openHarness('letzai', { sim: { keys: {} } })
    const demo = createAdapter('demo', { baseUrl: h.sim.baseUrl('letzai'), apiKey: null })
    const edit = await demo.submit({ kind: 'edit', model: 'image-edits', prompt: 'paint it blue', params: { mode: 'context' }, inputFiles: [pngFile] })
    const upscale = await demo.submit({ kind: 'upscale', model: 'upscales', prompt: '', params: { strength: 1 }, inputFiles: [pngFile] })
    for (const ref of [edit, upscale]) {
      const r = await pollUntilDone(demo, ref)
      expect(r.status, r.error).toBe('succeeded')
      const file = await fetch(r.files![0].url)
      expect(file.headers.get('content-type')).toBe('image/png')
    }
    expect(await demo.testConnection()).toMatch(/Connected/)
  })

  it("chains an upscale after an image: it starts from the parent's original URL", async () => {
    const h = await openHarness('letzai')
    const { jobIds } = await h.core.api.queuePrompts({
      prompts: ['a castle to upscale'],
      provider: 'letzai',
      model: 'images',
      then: { model: 'upscales', params: { strength: 2 } }
    })
    await idle(h)
    await expectDone(h, jobIds, 'image/png')
    const [parent, child] = [...h.sim.engine.jobs.values()].sort((a, b) => a.createdAt - b.createdAt)
    expect(child.extra.endpoint).toBe('upscale')
    expect(child.extra.imageUrl).toBe(`${h.sim.engine.filesBase}/files/${parent.id}/0.png?exp=${parent.readyAt + 3_600_000}`)
  })

  it("sends a model id the catalogue does not list as LetzAI's baseModel; one LetzAI does not know fails with its words", async () => {
    const h = await openHarness('letzai')
    const [known] = await queue(h, 'gpt-image-2', ['typed-in base model'])
    const [unknown] = await queue(h, 'nonesuch-9000', ['unknown base model'])
    await idle(h)
    await expectDone(h, [known], 'image/png')
    expect([...h.sim.engine.jobs.values()].find((j) => j.prompt === 'typed-in base model')?.extra).toMatchObject({
      endpoint: 'images',
      baseModel: 'gpt-image-2',
      hasWatermark: false
    })
    const d = await job(h, unknown)
    expect(d.job.status, history(d.events)).toBe('failed')
    expect(d.job.error).toMatch(/LetzAI refused the request \(400\): baseModel must be one of the following values: flux2/)
    expect(d.job.error).not.toContain(KEY)
    // A typed-in video model goes in settings.mode.
    const adapter = adapterOf(h)
    await adapter.submit({ kind: 'video', model: 'video-veo31', prompt: 'veo', params: {}, inputMedia: [{ url: 'https://example.com/a.png' }] })
    expect([...h.sim.engine.jobs.values()].find((j) => j.prompt === 'veo')?.extra.settings).toEqual({ mode: 'video-veo31' })
  })

  it('reads the older `{error, code}` error shape and a 403 (no API access), and redacts an echoed key', async () => {
    // A stub, not the simulator: these are shapes the simulator does not send (older docs; LetzAI's ComfyUI node).
    const server = createServer((req, res) => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify(body))
      }
      if (req.method === 'POST' && req.url === '/images') return send(400, { error: 'Invalid model', code: 'INVALID_MODEL' })
      if (req.method === 'POST' && req.url === '/videos') return send(403, { message: 'Forbidden resource', error: 'Forbidden', statusCode: 403 })
      return send(200, { id: 'x', status: 'failed', progressMessage: `model refused for key ${KEY}` })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const adapter = createLetzaiAdapter({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: KEY })
      await expect(adapter.submit({ kind: 'image', model: 'images', prompt: 'x', params: {} })).rejects.toMatchObject({
        kind: 'rejected',
        message: 'LetzAI refused the request (400): Invalid model (INVALID_MODEL)'
      })
      await expect(
        adapter.submit({ kind: 'video', model: 'videos', prompt: 'x', params: {}, inputMedia: [{ url: 'https://example.com/a.png' }] })
      ).rejects.toMatchObject({ kind: 'auth', message: expect.stringMatching(/403.*Forbidden resource/) })
      const r = await adapter.poll({ id: 'x', endpoint: 'images' }, { sinceSubmitMs: 0 })
      expect(r).toMatchObject({ status: 'failed', retryable: true })
      expect(r.error).toBe('LetzAI: model refused for key [redacted]')
    } finally {
      await new Promise((r) => server.close(r))
    }
  })

  faultSuite({ provider: 'letzai', model: 'images' })
})
