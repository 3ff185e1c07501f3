// APIXO contract tests against the simulator over real HTTP, through a real core where a core can drive it.
// The simulator follows APIXO's docs and official MCP server (docs/providers.md § APIXO), not this adapter.
import { mkdtemp, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { apixoInput, apixoModelIndexUrl, createApixoAdapter } from '../../../../src/main/core/providers/apixo'
import { apixoSim } from '../../../../src/main/demo/apixo'
import { until } from '../../../helpers/core'
import { expectDone, expectKeySent, expectLedgerClean, faultSuite, history, idle, job, KEY, openHarness, queue } from './harness'

const image = { kind: 'image' as const, model: 'nano-banana-2', prompt: 'a banana boat', params: {} }

describe.concurrent('APIXO adapter', () => {
  it('generates images, video and Suno audio on /generateTask and /statusTask, with each model’s required mode', async () => {
    const h = await openHarness('apixo')
    const [img] = await queue(h, 'nano-banana-2', ['a banana boat'])
    const [video] = await queue(h, 'veo-3-1', ['a banana dancing'])
    const [audio] = await queue(h, 'suno', ['a banana ballad'])
    await idle(h)
    await expectDone(h, [img], 'image/png')
    await expectDone(h, [video], 'video/mp4')
    await expectDone(h, [audio], 'audio/wav')
    expectLedgerClean(h, { jobs: 3 })
    expectKeySent(h)
    const paths = new Set(h.sim.engine.requests.filter((r) => r.provider === 'apixo').map((r) => `${r.method} ${r.path}`))
    expect(paths).toEqual(
      new Set([
        'POST /apixo/generateTask/nano-banana-2',
        'POST /apixo/generateTask/veo-3-1',
        'POST /apixo/generateTask/suno',
        'GET /apixo/statusTask/nano-banana-2',
        'GET /apixo/statusTask/veo-3-1',
        'GET /apixo/statusTask/suno'
      ])
    )
    const bodies = Object.fromEntries(apixoSim(h.sim.engine).submits.map((s) => [s.model, s.body]))
    expect(bodies['nano-banana-2']).toEqual({
      request_type: 'async',
      input: { mode: 'text-to-image', prompt: 'a banana boat', aspect_ratio: 'auto', resolution: '1k' }
    })
    expect(bodies['veo-3-1']).toMatchObject({ request_type: 'async', input: { mode: 'fast', generationType: 'TEXT_2_VIDEO', aspect_ratio: '16:9' } })
    expect(bodies.suno).toMatchObject({ input: { mode: 'V5', customMode: false, instrumental: false, prompt: 'a banana ballad' } })
    // Suno makes two tracks a task; both are kept.
    expect((await job(h, audio)).assets).toHaveLength(2)
    // The stored reference keeps the model: the status path needs it.
    expect(JSON.parse(h.core.store.job(audio)!.provider_ref_json!)).toMatchObject({ model: 'suno' })
  })

  it('treats processing_r2 as running, not as an unknown status', async () => {
    const h = await openHarness('apixo')
    // A task well into its run (the simulator answers processing_r2 for the second half of it).
    h.sim.engine.options.onCreate = (j) => void Object.assign(j, { createdAt: j.createdAt - 60_000, queuedMs: 0, readyAt: j.createdAt + 30_000 })
    const adapter = createApixoAdapter({ baseUrl: h.sim.baseUrl('apixo'), apiKey: KEY })
    const ref = await adapter.submit(image)
    await expect(adapter.poll(ref, { sinceSubmitMs: 1100 })).resolves.toMatchObject({ status: 'running', rawStatus: 'processing_r2', known: true })
  })

  it('no longer polls the guessed /checkStatus path, which the service answers 404', async () => {
    const h = await openHarness('apixo')
    const res = await fetch(`${h.sim.baseUrl('apixo')}/checkStatus/nano-banana-2?taskId=x`, { headers: { Authorization: `Bearer ${KEY}` } })
    expect(res.status).toBe(404)
    const adapter = createApixoAdapter({ baseUrl: h.sim.baseUrl('apixo'), apiKey: KEY })
    await adapter.poll(await adapter.submit(image), { sinceSubmitMs: 0 })
    expect(h.sim.engine.requests.filter((r) => r.provider === 'apixo').map((r) => r.path)).toEqual([
      '/apixo/checkStatus/nano-banana-2',
      '/apixo/generateTask/nano-banana-2',
      '/apixo/statusTask/nano-banana-2'
    ])
  })

  for (const at200 of [false, true]) {
    it(`turns error codes into the right errors with the envelope's message (${at200 ? 'inside an HTTP 200' : 'as HTTP statuses'})`, async () => {
      const h = await openHarness('apixo')
      apixoSim(h.sim.engine).errorsAtHttp200 = at200
      const adapter = createApixoAdapter({ baseUrl: h.sim.baseUrl('apixo'), apiKey: KEY })
      const cases = [
        ['429', 'rate_limited', /Rate limit exceeded/],
        ['401', 'auth', /Invalid API key/],
        ['402', 'credits', /out of credits.*Insufficient balance/],
        ['500', 'transient', /Internal server error/],
        ['403', 'rejected', /Forbidden/],
        ['404', 'rejected', /Not found/]
      ] as const
      for (const [code, kind, message] of cases) {
        h.sim.engine.inject('apixo', { on: 'submit', fault: code, times: 1 })
        const err = await adapter.submit(image).catch((e: Error) => e)
        expect(err, `code ${code}`).toMatchObject({ kind, details: { httpStatus: at200 ? 200 : Number(code) } })
        expect((err as Error).message).toMatch(message)
        expect((err as Error).message).not.toContain('{')
      }
      expect(h.sim.engine.requests.map((r) => r.status)).toEqual(cases.map(([code]) => (at200 ? 200 : Number(code))))
      // On a status request, 404 means the task is lost.
      const ref = await adapter.submit(image)
      h.sim.engine.inject('apixo', { on: 'poll', fault: '404', times: 1 })
      await expect(adapter.poll(ref, { sinceSubmitMs: 0 })).rejects.toMatchObject({ kind: 'not_found' })
      await expect(adapter.poll({ id: 'no-such-task', model: 'nano-banana-2' }, { sinceSubmitMs: 0 })).rejects.toMatchObject({
        kind: 'not_found',
        message: /Task not found: no-such-task/
      })
      const wrong = createApixoAdapter({ baseUrl: h.sim.baseUrl('apixo'), apiKey: 'wrong' })
      await expect(wrong.submit(image)).rejects.toMatchObject({ kind: 'auth' })
    })
  }

  it('reads a 400 "Insufficient credits" as out of credits (pause), not as a refused job', async () => {
    const h = await openHarness('apixo')
    apixoSim(h.sim.engine).outOfCredits = true
    const [id] = await queue(h, 'nano-banana-2', ['no credits left'])
    await until(async () => (await h.core.api.getSettings(undefined)).providers.apixo.pausedReason !== null, 10_000, 'provider paused')
    expect((await h.core.api.getSettings(undefined)).providers.apixo.pausedReason).toMatch(/out of credits \(400\): Insufficient credits/)
    expect((await job(h, id)).job.status).toBe('queued')
    apixoSim(h.sim.engine).outOfCredits = false
    h.core.poller.resumeProvider('apixo')
    await idle(h)
    await expectDone(h, [id])
  })

  it('shows the service’s own 400 message when a model’s required input is missing', async () => {
    const h = await openHarness('apixo')
    const adapter = createApixoAdapter({ baseUrl: h.sim.baseUrl('apixo'), apiKey: KEY })
    // The user chose image-to-image without any image: the adapter keeps the choice, the service refuses it.
    await expect(adapter.submit({ ...image, params: { mode: 'image-to-image' } })).rejects.toMatchObject({
      kind: 'rejected',
      message: 'APIXO refused the request (400): Invalid request: image-to-image needs 1-14 image_urls (got 0)'
    })
    await expect(adapter.submit({ kind: 'audio', model: 'suno', prompt: 'lyrics', params: { customMode: true } })).rejects.toMatchObject({
      message: /style and input\.title are required/
    })
    expect(h.sim.engine.ledger.size).toBe(0)
  })

  it('sets the mode from a chain’s input images, and keeps a mode the user chose', async () => {
    const h = await openHarness('apixo')
    const adapter = createApixoAdapter({ baseUrl: h.sim.baseUrl('apixo'), apiKey: KEY })
    const inputMedia = [{ url: 'https://file.apixo.ai/parent.png' }]
    await adapter.submit({ ...image, inputMedia })
    await adapter.submit({ kind: 'video', model: 'veo-3-1', prompt: 'move', params: {}, inputMedia })
    await adapter.submit({ kind: 'video', model: 'sora-2', prompt: 'move', params: {}, inputMedia })
    await adapter.submit({ kind: 'image', model: 'flux-2', prompt: 'edit it', params: { mode: 'flex-text-to-image' }, inputMedia })
    await adapter.submit({ kind: 'video', model: 'seedance-2-0', prompt: 'move', params: { duration: '8' }, inputMedia })
    const inputs = apixoSim(h.sim.engine).submits.map((s) => s.body.input)
    expect(inputs).toEqual([
      expect.objectContaining({ mode: 'image-to-image', image_urls: ['https://file.apixo.ai/parent.png'] }),
      expect.objectContaining({ mode: 'fast', generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO', image_urls: ['https://file.apixo.ai/parent.png'] }),
      expect.objectContaining({ mode: 'image-to-video', duration: 4, aspect_ratio: 'landscape' }),
      expect.objectContaining({ mode: 'flex-image-to-image', resolution: '1K' }),
      expect.objectContaining({ mode: 'first_and_last_frames', duration: 8 })
    ])
    expect(h.sim.engine.ledger.size).toBe(5)
    // A routing choice goes beside `input`, not inside it.
    expect(apixoInput({ kind: 'image', model: 'nano-banana-2', prompt: 'p', params: { provider: 'official', google_search: 'true' } }, [])).toEqual({
      mode: 'text-to-image',
      prompt: 'p',
      aspect_ratio: 'auto',
      resolution: '1k',
      google_search: true
    })
  })

  it('refuses local input files with a clear message, sending nothing (APIXO takes public URLs only)', async () => {
    const h = await openHarness('apixo')
    const dir = await mkdtemp(join(tmpdir(), 'apixo-'))
    const path = join(dir, 'in.png')
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f80' } })
      .png()
      .toFile(path)
    const adapter = createApixoAdapter({ baseUrl: h.sim.baseUrl('apixo'), apiKey: KEY })
    const inputFiles = [{ path, name: 'in.png', mime: 'image/png', size: (await stat(path)).size }]
    await expect(adapter.submit({ ...image, inputFiles })).rejects.toMatchObject({
      kind: 'rejected',
      message: /only as public URLs .*no upload endpoint.*\(in\.png\)/
    })
    expect(h.sim.engine.requests).toHaveLength(0)
  })

  it('passes any model id through: a listed one the catalogue lacks works, an unknown one shows the service’s 404', async () => {
    const h = await openHarness('apixo')
    const [fast] = await queue(h, 'seedance-2-0-fast', ['a quick video'])
    const [unknown] = await queue(h, 'no-such-model', ['anything'])
    await idle(h)
    await expectDone(h, [fast], 'video/mp4')
    expect(apixoSim(h.sim.engine).submits[0].body.input).toMatchObject({ mode: 'text-to-video' })
    const d = await job(h, unknown)
    expect(d.job.status, history(d.events)).toBe('failed')
    expect(d.job.error).toMatch(/APIXO refused the request \(404\): Model not found: no-such-model/)
  })

  it('tests the connection on the balance endpoint; a wrong base URL is not "connected"', async () => {
    const h = await openHarness('apixo')
    const adapter = createApixoAdapter({ baseUrl: h.sim.baseUrl('apixo'), apiKey: KEY })
    await expect(adapter.testConnection()).resolves.toBe("Connected: the key's balance is $74.87")
    await expect(createApixoAdapter({ baseUrl: h.sim.baseUrl('apixo'), apiKey: 'wrong' }).testConnection()).rejects.toMatchObject({
      kind: 'auth',
      message: /401.*Invalid API key/
    })
    await expect(createApixoAdapter({ baseUrl: `${h.sim.baseUrl('apixo')}/api`, apiKey: KEY }).testConnection()).rejects.toMatchObject({
      kind: 'rejected',
      message: /no balance endpoint .*check the base URL/
    })
    expect(h.sim.engine.requests.map((r) => `${r.path} ${r.status}`)).toEqual([
      '/apixo/apikeys/current-balance 200',
      '/apixo/apikeys/current-balance 401',
      '/apixo/api/apikeys/current-balance 404'
    ])
  })

  it('lists the models from the docs’ schema index, without the key and without LLM entries', async () => {
    const h = await openHarness('apixo')
    const models = await createApixoAdapter({ baseUrl: h.sim.baseUrl('apixo'), apiKey: KEY }).listModels!()
    expect(models).toContainEqual({ id: 'seedance-2-0-fast', label: 'seedance-2-0-fast', kind: 'video' })
    expect(models).toContainEqual({ id: 'suno', label: 'suno', kind: 'audio' })
    expect(models.map((m) => m.id)).not.toContain('claude-sonnet-4-5')
    expect(h.sim.engine.requests.map((r) => [r.path, r.carriedKey])).toEqual([['/apixo/docs/models/schemas/index.json', false]])
    expect(apixoModelIndexUrl(new URL('https://api.apixo.ai/api/v1'))).toBe('https://apixo.ai/docs/models/schemas/index.json')
  })

  it('pauses the provider when the key is wrong (401), submitting nothing', async () => {
    const h = await openHarness('apixo', { key: 'not-the-key' })
    const [id] = await queue(h, 'nano-banana-2', ['wrong key'])
    await until(async () => (await h.core.api.getSettings(undefined)).providers.apixo.pausedReason !== null, 10_000, 'provider paused')
    expect((await h.core.api.getSettings(undefined)).providers.apixo.pausedReason).toMatch(/401.*Invalid API key/)
    expect((await job(h, id)).job.status).toBe('queued')
    expect(h.sim.engine.ledger.size).toBe(0)
  })

  it('downloads Suno results given as track objects (audio_url)', async () => {
    const h = await openHarness('apixo')
    h.sim.engine.options.onCreate = (j) => void (j.extra.sunoTracks = true)
    const [id] = await queue(h, 'suno', ['a track-object ballad'])
    await idle(h)
    await expectDone(h, [id], 'audio/wav')
    expect((await job(h, id)).assets).toHaveLength(2)
    expectLedgerClean(h, { jobs: 1 })
  })

  it('fails a task whose resultJson is not JSON, keeping the raw string', async () => {
    const h = await openHarness('apixo')
    h.sim.engine.options.onCreate = (j) => void (j.extra.badResultJson = true)
    const [id] = await queue(h, 'flux-2', ['a broken result'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status, history(d.events)).toBe('failed')
    expect(d.job.error).toMatch(/resultJson that is not JSON: \{"resultUrls":\["http:\/\/127\.0\.0\.1:\d+\/files\//)
    expect(d.job.rawStatus).toBe('success')
    expectLedgerClean(h, { jobs: 1, downloaded: false })
  })

  it('reports failed tasks as "failCode: failMsg", key redacted; content-policy failures are final', async () => {
    const h = await openHarness('apixo', { sim: { failureRate: 1 } })
    const adapter = createApixoAdapter({ baseUrl: h.sim.baseUrl('apixo'), apiKey: KEY })
    h.sim.engine.options.onCreate = (j) => void Object.assign(j.extra, { failCode: 'SensitiveContentDetected', failMsg: `flagged for key ${KEY}` })
    const ref = await adapter.submit(image)
    await new Promise((r) => setTimeout(r, 350))
    const polled = await adapter.poll(ref, { sinceSubmitMs: 350 })
    expect(polled).toMatchObject({ status: 'failed', rawStatus: 'failed', retryable: false, error: 'SensitiveContentDetected: flagged for key [redacted]' })
    h.sim.engine.options.onCreate = undefined
    const [id] = await queue(h, 'veo-3-1', ['a failing video'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status).toBe('failed')
    expect(d.job.error).toBe('GENERATION_FAILED: The simulated model refused this prompt')
  })

  faultSuite({ provider: 'apixo', model: 'nano-banana-2', envelope: true })
})
