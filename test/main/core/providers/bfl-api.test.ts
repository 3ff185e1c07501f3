// BFL protocol facts from the OpenAPI description and BFL's docs (docs/providers.md § BFL (FLUX)), checked through our adapter
// against the simulator: the key-proving connection test, error bodies read into clear messages, input files as
// base64 in the fields each model's schema names, unknown model ids, the per-model active-task cap.
import { mkdtemp, stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { bflImageFields, createBflAdapter, describeBflError } from '../../../../src/main/core/providers/bfl'
import type { InputFile, SubmitInput } from '../../../../src/main/core/providers/types'
import { caught, eventTypes, history, idle, job, KEY, openHarness, queue } from './harness'

async function image(name: string, format: 'png' | 'jpeg' | 'webp', color = '#f80'): Promise<InputFile> {
  const dir = await mkdtemp(join(tmpdir(), 'bfl-in-'))
  const path = join(dir, name)
  const picture = sharp({ create: { width: 16, height: 8, channels: 3, background: color } })
  await picture[format]().toFile(path)
  return { path, name, mime: `image/${format}`, size: (await stat(path)).size }
}

const text = (model: string, extra: Partial<SubmitInput> = {}): SubmitInput => ({ kind: 'image', model, prompt: 'a red kite', params: {}, ...extra })

describe.concurrent('BFL API facts', () => {
  it('tests the connection with GET /v1/credits: the balance for a good key, a clear auth error for a wrong one', async () => {
    const h = await openHarness('bfl')
    const ok = await createBflAdapter({ baseUrl: h.sim.baseUrl('bfl'), apiKey: KEY }).testConnection()
    expect(ok).toMatch(/^Connected: .*1000 credits/)
    const err = await caught(createBflAdapter({ baseUrl: h.sim.baseUrl('bfl'), apiKey: 'wrong-key' }).testConnection())
    expect(err.kind).toBe('auth')
    expect(err.message).toBe('BFL rejected the API key (403): Not authenticated - Invalid Authentication')
    const none = await caught(createBflAdapter({ baseUrl: h.sim.baseUrl('bfl'), apiKey: null }).testConnection())
    expect(none).toMatchObject({ kind: 'auth', message: /\(403\): Not authenticated$/ })
    const asked = h.sim.engine.requests.filter((r) => r.provider === 'bfl')
    expect(asked.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /bfl/v1/credits 200', 'GET /bfl/v1/credits 403', 'GET /bfl/v1/credits 403'])
  })

  it('a wrong key on submit pauses the provider (403 is not a job failure)', async () => {
    const h = await openHarness('bfl', { key: 'wrong-key' })
    const [id] = await queue(h, 'flux-2-pro', ['never sent with a good key'])
    const { until } = await import('../../../helpers/core')
    await until(async () => (await h.core.api.getSettings(undefined)).providers.bfl.pausedReason !== null, 10_000, 'provider paused')
    expect((await h.core.api.getSettings(undefined)).providers.bfl.pausedReason).toMatch(/Not authenticated - Invalid Authentication/)
    expect((await job(h, id)).job.status).toBe('queued')
    expect(h.sim.engine.ledger.size).toBe(0)
  })

  it('fails a job BFL refuses with 422 with the field and message, not the raw JSON', async () => {
    const h = await openHarness('bfl')
    const [id] = await queue(h, 'flux-pro-1.1', ['an odd width'], { width: 300, height: 768 })
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status, history(d.events)).toBe('failed')
    expect(d.job.error).toBe('BFL refused the request (422): width: Input should be a multiple of 32')
    // Several problems at once, each named.
    const reading = describeBflError(422, {
      detail: [
        { type: 'missing', loc: ['body', 'prompt'], msg: 'Field required' },
        { type: 'less_than_equal', loc: ['body', 'safety_tolerance'], msg: 'Input should be less than or equal to 5' }
      ]
    })
    expect(reading).toEqual({ message: 'prompt: Field required; safety_tolerance: Input should be less than or equal to 5' })
    expect(describeBflError(402, { detail: 'Insufficient credits' })).toEqual({ message: 'Insufficient credits' })
  })

  it('sends any model id, and says clearly when BFL has no such model', async () => {
    const h = await openHarness('bfl')
    const adapter = createBflAdapter({ baseUrl: h.sim.baseUrl('bfl'), apiKey: KEY })
    const err = await caught(adapter.submit(text('flux-9-imaginary')))
    expect(err.kind).toBe('rejected')
    expect(err.message).toMatch(/^BFL has no model "flux-9-imaginary" \(POST \/v1\/flux-9-imaginary answered 404\)/)
    // A model the catalogue does not list but the API has goes through.
    const ref = await adapter.submit(text('flux-2-klein-9b-preview'))
    expect(h.sim.engine.jobs.get(ref.id)?.model).toBe('flux-2-klein-9b-preview')
  })

  it('sends local files as bare base64 in input_image, input_image_2, … (FLUX.2 and Kontext)', async () => {
    const h = await openHarness('bfl')
    const adapter = createBflAdapter({ baseUrl: h.sim.baseUrl('bfl'), apiKey: KEY })
    const [a, b, c] = await Promise.all([image('a.png', 'png'), image('b.jpg', 'jpeg', '#08f'), image('c.webp', 'webp', '#0f8')])
    const ref = await adapter.submit(text('flux-2-pro', { kind: 'edit', inputFiles: [a, b, c] }))
    const sim = h.sim.engine.jobs.get(ref.id)!
    expect(sim.extra.inputs).toEqual({
      input_image: { kind: 'base64', mime: 'image/png', bytes: a.size, mp: (16 * 8) / 1e6 },
      input_image_2: { kind: 'base64', mime: 'image/jpeg', bytes: b.size, mp: 1 },
      input_image_3: { kind: 'base64', mime: 'image/webp', bytes: c.size, mp: 1 }
    })
    expect(sim.extra.body).toMatchObject({ prompt: 'a red kite', input_image: '<base64>' })
    const kontext = await adapter.submit(text('flux-kontext-pro', { inputFiles: [a], params: { aspect_ratio: '16:9' } }))
    expect(Object.keys(h.sim.engine.jobs.get(kontext.id)!.extra.inputs as object)).toEqual(['input_image'])
  })

  it('sends Fill its image and mask, FLUX1.1 [pro] its image_prompt', async () => {
    const h = await openHarness('bfl')
    const adapter = createBflAdapter({ baseUrl: h.sim.baseUrl('bfl'), apiKey: KEY })
    const [picture, mask] = await Promise.all([image('photo.png', 'png'), image('mask.png', 'png', '#fff')])
    const fill = await adapter.submit(text('flux-pro-1.0-fill', { kind: 'edit', inputFiles: [picture, mask] }))
    expect(Object.keys(h.sim.engine.jobs.get(fill.id)!.extra.inputs as object)).toEqual(['image', 'mask'])
    const redux = await adapter.submit(text('flux-pro-1.1', { inputFiles: [picture] }))
    expect(Object.keys(h.sim.engine.jobs.get(redux.id)!.extra.inputs as object)).toEqual(['image_prompt'])
    expect(bflImageFields('flux-pro-1.0-expand', 1)).toEqual(['image'])
    expect(bflImageFields('flux-2-some-new-one', 2)).toEqual(['input_image', 'input_image_2'])
    // Fill without its image: BFL's own 422 names the field.
    const err = await caught(adapter.submit(text('flux-pro-1.0-fill', { kind: 'edit' })))
    expect(err).toMatchObject({ kind: 'rejected', message: 'BFL refused the request (422): image: Field required' })
  })

  it('refuses input files BFL would refuse before reading or sending anything', async () => {
    const h = await openHarness('bfl')
    const adapter = createBflAdapter({ baseUrl: h.sim.baseUrl('bfl'), apiKey: KEY })
    const gif: InputFile = { path: '/nonexistent.gif', name: 'a.gif', mime: 'image/gif', size: 100 }
    expect((await caught(adapter.submit(text('flux-2-pro', { inputFiles: [gif] })))).message).toMatch(/does not take image\/gif files as input \(a\.gif\)/)
    const big: InputFile = { path: '/nonexistent.png', name: 'big.png', mime: 'image/png', size: 25 * 1024 * 1024 }
    expect((await caught(adapter.submit(text('flux-2-pro', { inputFiles: [big] })))).message).toMatch(/big\.png is 25 MB; BFL takes input files up to 20 MB/)
    const five = Array.from({ length: 5 }, (_, i): InputFile => ({ path: `/nonexistent-${i}.png`, name: `${i}.png`, mime: 'image/png', size: 10 }))
    expect((await caught(adapter.submit(text('flux-kontext-pro', { inputFiles: five })))).message).toMatch(
      /flux-kontext-pro takes at most 4 input images; this job has 5/
    )
    expect((await caught(adapter.submit(text('flux-dev', { inputFiles: five.slice(0, 2) })))).message).toMatch(
      /flux-dev takes at most 1 input image; this job has 2/
    )
    expect(h.sim.engine.requests.filter((r) => r.provider === 'bfl')).toEqual([])
  })

  it('treats the newer running words (Generating) as running, not unknown', async () => {
    const h = await openHarness('bfl', { sim: { durationMs: 800 } })
    h.sim.engine.options.onCreate = (j) => void (j.extra.runningStatus = 'Generating')
    const [id] = await queue(h, 'flux-2-pro', ['generating for a while'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status, history(d.events)).toBe('done')
    expect(eventTypes(d.events)).not.toContain('unknown_status')
  })

  it('fails a task that ended in Error with BFL’s own words', async () => {
    const h = await openHarness('bfl', { sim: { failureRate: 1 } })
    const [id] = await queue(h, 'flux-2-pro', ['an error'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status, history(d.events)).toBe('failed')
    expect(d.job.error).toMatch(/^BFL: Generation failed: the simulated model refused this prompt/)
  })

  it('caps flux-kontext-max at 6 active tasks while other models still go', async () => {
    const h = await openHarness('bfl', { sim: { durationMs: 5000 } })
    const adapter = createBflAdapter({ baseUrl: h.sim.baseUrl('bfl'), apiKey: KEY })
    for (let i = 0; i < 6; i++) await adapter.submit(text('flux-kontext-max'))
    const err = await caught(adapter.submit(text('flux-kontext-max')))
    expect(err.kind).toBe('rate_limited')
    expect(err.message).toMatch(/too many active tasks/)
    await adapter.submit(text('flux-2-pro'))
  })

  it('reads a failed task answered with a 5xx status and its ResultResponse body as that failure', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(503, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ id: 't1', status: 'Error', result: null, progress: null, details: { error: 'out of memory' } }))
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const result = await createBflAdapter({ baseUrl: base, apiKey: KEY }).poll({ id: 't1', pollingUrl: `${base}/v1/get_result?id=t1` }, { sinceSubmitMs: 0 })
      expect(result).toMatchObject({ status: 'failed', rawStatus: 'Error', error: 'BFL: {"error":"out of memory"}' })
    } finally {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    }
  })
})
