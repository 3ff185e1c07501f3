// UMRGEN adapter against the simulator directly: reference uploads, the server's error shapes and limits, the
// connection test, cancel, and the simulator's own fidelity to server.mjs (what a wrong adapter would hit).
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { caught } from './harness'
import type { InputFile } from '../../../../src/main/core/providers/types'
import { CONCURRENT_HOLD_MS, createUmrgenAdapter, describeUmrgenError, parseLoras, readableFailure } from '../../../../src/main/core/providers/umrgen'
import { startSimulator, type Simulator } from '../../../../src/main/demo/server'
import { umrgenSimState } from '../../../../src/main/demo/umrgen'
import { umrgen } from '../../../../src/shared/catalogue/umrgen'

const KEY = 'z-test-key-4711'
const sims: Simulator[] = []
afterAll(async () => Promise.all(sims.map((s) => s.close())))

async function setup(o: Parameters<typeof startSimulator>[0] = {}) {
  const sim = await startSimulator({ durationMs: 300, keys: { umrgen: KEY }, ...o })
  sims.push(sim)
  const base = sim.baseUrl('umrgen')
  const adapter = createUmrgenAdapter({ baseUrl: base, apiKey: KEY })
  const api = (path: string, init: RequestInit = {}, key: string | null = KEY) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: {
        ...(key ? { Authorization: `Bearer ${key}` } : {}),
        ...(init.body && typeof init.body === 'string' ? { 'Content-Type': 'application/json' } : {}),
        ...init.headers
      }
    })
  return { sim, base, adapter, api, state: umrgenSimState(sim.engine) }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type J = Record<string, any>
const json = async (r: Response | Promise<Response>): Promise<J> => (await (await r).json()) as J

let dir = ''
async function png(name: string, color = '#f80'): Promise<InputFile> {
  dir ||= await mkdtemp(join(tmpdir(), 'umrgen-'))
  const path = join(dir, name)
  await sharp({ create: { width: 8, height: 8, channels: 3, background: color } })
    .png()
    .toFile(path)
  return { path, name, mime: 'image/png', size: (await sharp(path).toBuffer()).length }
}

/** Polls gently: the simulator keeps the server's 60 requests a minute. */
async function until<T>(f: () => Promise<T | undefined>, ms = 8000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await f()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 300))
  }
}

describe.concurrent('UMRGEN API', () => {
  it('submit answers 202 {success, job_id} and no session id; status has the fields server.mjs sends', async () => {
    const { api, sim } = await setup({ durationMs: 9000, onCreate: (j) => Object.assign(j, { queuedMs: 3000 }) })
    const res = await api('/api/v1/generate', { method: 'POST', body: JSON.stringify({ prompt: 'a cat' }) })
    expect(res.status).toBe(202)
    const body = await json(res)
    expect(Object.keys(body).sort()).toEqual(['job_id', 'message', 'success'])
    expect(body.job_id).toMatch(/^ext_/)
    const queued = await json(api(`/api/v1/status/${body.job_id}`))
    expect(queued).toEqual({ success: true, job_id: body.job_id, state: 'queued', queue_position: 0, eta_seconds: 30, created_at: expect.any(Number) })
    const running = await until(async () => {
      const b = await json(api(`/api/v1/status/${body.job_id}`))
      return b.state === 'running' ? b : undefined
    }, 8000)
    expect(running).toEqual({ success: true, job_id: body.job_id, state: 'running', queue_position: null, eta_seconds: 0, created_at: queued.created_at })
    const done = await until(async () => {
      const b = await json(api(`/api/v1/status/${body.job_id}`))
      return b.state === 'completed' ? b : undefined
    }, 12_000)
    expect(done.results.images[0].url).toMatch(/^\/outputs\/sid_ext_gen\/umrgen_\d{6}\.png\?session_id=sid_ext_gen$/)
    expect(done).not.toHaveProperty('image_url')
    expect(done).not.toHaveProperty('progress')
    expect(done).not.toHaveProperty('error')
    expect(sim.engine.jobs.size).toBe(1)
  })

  it('checks the key (401 with its message), the prompt (400), and answers unknown routes with an HTML 404', async () => {
    const { api, adapter, base } = await setup()
    const r401 = await api('/api/v1/generate', { method: 'POST', body: JSON.stringify({ prompt: 'x' }) }, 'wrong')
    expect(r401.status).toBe(401)
    expect(await json(r401)).toEqual({ error: 'Unauthorized: Invalid or missing API Key' })
    const r400 = await api('/api/v1/generate', { method: 'POST', body: JSON.stringify({ prompt: '' }) })
    expect(await json(r400)).toEqual({ error: 'Prompt is required' })
    expect((await api('/api/v1/jobs')).status).toBe(404)
    expect((await api('/api/v1/status/ext_nope')).status).toBe(404)
    // Through the adapter: an auth error whose message is the server's words, not JSON, and no key.
    const wrong = createUmrgenAdapter({ baseUrl: base, apiKey: 'wrong-key-123' })
    const e = await caught(wrong.submit({ kind: 'image', model: 'default', prompt: 'x', params: {} }))
    expect(e.kind).toBe('auth')
    expect(e.message).toBe('UMRGEN rejected the API key (401): Unauthorized: Invalid or missing API Key')
    const n = await caught(adapter.poll({ id: 'ext_unknown' }, { sinceSubmitMs: 0 }))
    expect(n.kind).toBe('not_found')
    expect(n.message).toMatch(/Job not found: UMRGEN forgets/)
  })

  it('testConnection proves the key: accepted, wrong key → auth, wrong base path → not connected', async () => {
    const { adapter, base, sim } = await setup()
    await expect(adapter.testConnection()).resolves.toMatch(/^Connected: the key was accepted/)
    await expect(createUmrgenAdapter({ baseUrl: base, apiKey: 'wrong' }).testConnection()).rejects.toMatchObject({ kind: 'auth' })
    const e = await caught(createUmrgenAdapter({ baseUrl: `${base}/v2`, apiKey: KEY }).testConnection())
    expect(e.kind).not.toBe('not_found')
    expect(e.message).toMatch(/does not answer like an UMRGEN server/)
    expect(sim.engine.ledger.size).toBe(0)
  })

  it('one external job at a time: CONCURRENT_LIMIT → rate_limited (a hold), with the busy job id; not a failure', async () => {
    const { adapter, api } = await setup({ durationMs: 60_000 })
    const first = await adapter.submit({ kind: 'image', model: 'default', prompt: 'first', params: {} })
    const raw = await api('/api/v1/generate', { method: 'POST', body: JSON.stringify({ prompt: 'second' }) })
    expect(raw.status).toBe(429)
    expect(raw.headers.get('retry-after')).toBeNull()
    expect(await json(raw)).toEqual({ error: 'CONCURRENT_LIMIT', job_id: first.id, message: 'External agent already has a generation in progress.' })
    const e = await caught(adapter.submit({ kind: 'image', model: 'default', prompt: 'second', params: {} }))
    expect(e.kind).toBe('rate_limited')
    expect(e.details.retryAfterMs).toBe(CONCURRENT_HOLD_MS)
    expect(e.message).toContain(first.id)
    expect(e.message).toMatch(/one external job at a time/)
    expect(e.message).not.toContain('{"')
    // A cancelled running job no longer blocks (server.mjs checks queued/running only).
    await adapter.cancel({ id: first.id })
    await expect(adapter.submit({ kind: 'image', model: 'default', prompt: 'third', params: {} })).resolves.toMatchObject({
      id: expect.stringMatching(/^ext_/)
    })
  })

  it('a cancelled running job is not terminal: it can still end completed, and the adapter keeps polling it', async () => {
    const { adapter, sim } = await setup({ durationMs: 3000, onCreate: (j) => Object.assign(j, { queuedMs: 50 }) })
    const ref = await adapter.submit({ kind: 'image', model: 'default', prompt: 'cancel me', params: {} })
    await new Promise((r) => setTimeout(r, 150))
    await adapter.cancel(ref)
    const cancelled = await adapter.poll(ref, { sinceSubmitMs: 0 })
    expect(cancelled).toMatchObject({ rawStatus: 'cancelled', status: 'running', known: true })
    const done = await until(async () => {
      const r = await adapter.poll(ref, { sinceSubmitMs: 0 })
      return r.status === 'succeeded' ? r : undefined
    }, 8000)
    expect(done.files?.[0].url).toMatch(/\/outputs\/sid_ext_gen\//)
    expect(sim.engine.requests.some((r) => r.target === 'cancel' && r.path.endsWith(`/api/job/${ref.id}/cancel`))).toBe(true)
  })

  it('the 60 requests/minute window: a 429 without Retry-After becomes a wait until the next window', async () => {
    const { adapter, state, api } = await setup()
    state.perWindow = 2
    await adapter.testConnection()
    await adapter.testConnection()
    const raw = await api('/api/v1/status/ext_x')
    expect(raw.status).toBe(429)
    expect(raw.headers.get('retry-after')).toBeNull()
    expect(await json(raw)).toEqual({ error: 'Rate limit exceeded. Please try again later.' })
    const e = await caught(adapter.poll({ id: 'ext_x' }, { sinceSubmitMs: 0 }))
    expect(e.kind).toBe('rate_limited')
    expect(e.details.retryAfterMs).toBeGreaterThan(1000)
    expect(e.details.retryAfterMs).toBeLessThanOrEqual(61_000)
    expect(e.message).toMatch(/Rate limit exceeded.*60 requests a minute/)
    // Counted before the key check, and on every /api route.
    expect((await api('/api/v1/status/ext_x', {}, 'wrong')).status).toBe(429)
    expect(describeUmrgenError(429, { error: 'Rate limit exceeded. Please try again later.' }, '', 60_000 * 5 + 59_500)?.retryAfterMs).toBe(1500)
  })

  it('local files become reference images through /api/v1/upload-reference, and are deleted once the job ended', async () => {
    const { adapter, sim, state } = await setup()
    const a = await png('my photo (1).PNG')
    const b = await png('b.png', '#08f')
    const ref = await adapter.submit({ kind: 'image', model: 'default', prompt: 'in the style of the references', params: {}, inputFiles: [a, b] })
    const job = sim.engine.jobs.get(ref.id)!
    const names = job.extra.references as string[]
    expect(names).toHaveLength(2)
    for (const n of names) expect(n).toMatch(/^bs_[0-9a-f]{12}\.png$/)
    expect((job.extra.params as { reference_images: string[] }).reference_images).toEqual(names)
    expect([...state.refs.keys()].sort()).toEqual([...names].sort())
    // The uploaded bytes are the file's.
    expect(state.refs.get(names[0])!.subarray(0, 4).toString('latin1')).toBe('\x89PNG')
    const uploads = sim.engine.requests.filter((r) => r.path.endsWith('/api/v1/upload-reference'))
    expect(uploads.every((r) => r.carriedKey && r.status === 200)).toBe(true)
    const done = await until(async () => {
      const r = await adapter.poll(ref, { sinceSubmitMs: 0 })
      return r.status === 'succeeded' ? r : undefined
    })
    expect(done.files).toHaveLength(1)
    expect(state.refs.size).toBe(0)
  })

  it("a chain's parent output (inputMedia url) is fetched without the key and uploaded as a reference", async () => {
    const { adapter, sim, state } = await setup()
    const first = await adapter.submit({ kind: 'image', model: 'default', prompt: 'parent', params: {} })
    const done = await until(async () => {
      const r = await adapter.poll(first, { sinceSubmitMs: 0 })
      return r.status === 'succeeded' ? r : undefined
    })
    const child = await adapter.submit({ kind: 'edit', model: 'default', prompt: 'the next step', params: {}, inputMedia: [{ url: done.files![0].url }] })
    const names = sim.engine.jobs.get(child.id)!.extra.references as string[]
    expect(names).toEqual([expect.stringMatching(/^bs_[0-9a-f]{12}\.png$/)])
    expect(state.refs.get(names[0])!.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect(sim.engine.requests.filter((r) => r.target === 'download').every((r) => !r.carriedKey)).toBe(true)
    expect((await caught(adapter.submit({ kind: 'image', model: 'default', prompt: 'x', params: {}, inputMedia: [{ mediaId: 'm1' }] }))).kind).toBe('rejected')
  })

  it('refuses input files the server would refuse, before sending anything', async () => {
    const { adapter, sim } = await setup()
    const gif: InputFile = { path: '/nonexistent.gif', name: 'a.gif', mime: 'image/gif', size: 100 }
    expect((await caught(adapter.submit({ kind: 'image', model: 'default', prompt: 'x', params: {}, inputFiles: [gif] }))).message).toMatch(
      /does not take image\/gif/
    )
    const big: InputFile = { path: '/nonexistent.png', name: 'big.png', mime: 'image/png', size: 11 * 1024 * 1024 }
    expect((await caught(adapter.submit({ kind: 'image', model: 'default', prompt: 'x', params: {}, inputFiles: [big] }))).message).toMatch(/up to 10 MB/)
    const many = Array.from({ length: 11 }, (_, i) => ({ path: `/n${i}.png`, name: `${i}.png`, mime: 'image/png', size: 10 }))
    expect((await caught(adapter.submit({ kind: 'image', model: 'default', prompt: 'x', params: {}, inputFiles: many }))).message).toMatch(
      /at most 10 reference images/
    )
    expect((await caught(adapter.submit({ kind: 'video', model: 'default', prompt: 'x', params: {} }))).kind).toBe('rejected')
    expect(sim.engine.requests).toHaveLength(0)
  })

  it("the shared session's 10-image cap: the server's message, and our uploads of that attempt are removed", async () => {
    const { adapter, state } = await setup()
    for (let i = 0; i < 9; i++) state.refs.set(`someone_${i}.png`, Buffer.from('x'))
    const e = await caught(adapter.submit({ kind: 'image', model: 'default', prompt: 'x', params: {}, inputFiles: [await png('c1.png'), await png('c2.png')] }))
    expect(e.kind).toBe('rejected')
    expect(e.message).toMatch(/\(400\): Maximum 10 reference images allowed\./)
    // Ours (the 10th) deleted again; others' files untouched.
    expect([...state.refs.keys()].sort()).toEqual(Array.from({ length: 9 }, (_, i) => `someone_${i}.png`))
  })

  it('uploads of a submit that got CONCURRENT_LIMIT are deleted (they would fill the shared session)', async () => {
    const { adapter, state } = await setup({ durationMs: 60_000 })
    await adapter.submit({ kind: 'image', model: 'default', prompt: 'busy', params: {} })
    const e = await caught(adapter.submit({ kind: 'image', model: 'default', prompt: 'x', params: {}, inputFiles: [await png('d.png')] }))
    expect(e.kind).toBe('rate_limited')
    expect(state.refs.size).toBe(0)
  })

  it('the upload route as the server has it: field "file", image extensions only, 10 MB, 10 files', async () => {
    const { api, state } = await setup()
    const form = (name: string, bytes = Buffer.from('png'), field = 'file') => {
      const f = new FormData()
      f.append(field, new Blob([bytes]), name)
      return f
    }
    const ok = await json(api('/api/v1/upload-reference', { method: 'POST', body: form('a b.png') }))
    expect(ok).toEqual({ success: true, filename: 'a_b.png', url: '/references/sid_ext_gen/a_b.png?session_id=sid_ext_gen' })
    const again = await json(api('/api/v1/upload-reference', { method: 'POST', body: form('a b.png') }))
    expect(again.filename).toMatch(/^a_b_\d+\.png$/)
    expect(await json(api('/api/v1/upload-reference', { method: 'POST', body: form('x.gif') }))).toEqual({ error: 'Invalid file type.' })
    expect(await json(api('/api/v1/upload-reference', { method: 'POST', body: form('x') }))).toEqual({ error: 'Invalid file type.' })
    const tooBig = await api('/api/v1/upload-reference', { method: 'POST', body: form('big.png', Buffer.alloc(10 * 1024 * 1024 + 1)) })
    expect([tooBig.status, await json(tooBig)]).toEqual([500, { error: 'File too large' }])
    expect((await api('/api/v1/upload-reference', { method: 'POST', body: form('a.png', undefined, 'image') })).status).toBe(500)
    expect((await api('/api/v1/upload-reference', { method: 'POST', body: form('a.png') }, null)).status).toBe(401)
    // Reference files are served with the same session_id rule as outputs.
    const base = (await api('/references/sid_ext_gen/a_b.png')).status
    expect(base).toBe(403)
    expect((await api('/references/sid_ext_gen/a_b.png?session_id=sid_ext_gen')).status).toBe(200)
    const del = await api('/api/references/a_b.png?session_id=sid_ext_gen', { method: 'DELETE' }, null)
    expect(await json(del)).toEqual({ success: true })
    expect(await json(api('/api/references/a_b.png?session_id=sid_ext_gen', { method: 'DELETE' }, null))).toEqual({ error: 'File not found.' })
    expect(state.refs.size).toBe(1)
  })

  it('server clamps and seeds: width/height 512–2048, steps 1–13; seed 0 random, -1 fails at the generator (readable)', async () => {
    const { api, sim, adapter } = await setup()
    const post = async (body: object) => (await json(api('/api/v1/generate', { method: 'POST', body: JSON.stringify(body) }))).job_id as string
    const id = await post({ prompt: 'clamp', width: 100, height: 5000, steps: 99, seed: 0 })
    const p = sim.engine.jobs.get(id)!.extra.params as Record<string, number>
    expect([p.width, p.height, p.steps, p.seed > 0]).toEqual([512, 2048, 13, true])
    await until(async () => ((await adapter.poll({ id }, { sinceSubmitMs: 0 })).status === 'succeeded' ? true : undefined))
    const bad = await post({ prompt: 'negative seed', seed: -1 })
    const failed = await until(async () => {
      const r = await adapter.poll({ id: bad }, { sinceSubmitMs: 0 })
      return r.status === 'failed' ? r : undefined
    })
    expect(failed.error).toBe('ComfyUI: Prompt outputs failed validation; RandomNoise: Value -1 smaller than min of 0 (noise_seed)')
    expect(failed.retryable).toBe(false)
  })

  it('the safety filter matches substrings of the prompt only (400 "Safety violation: MINORS")', async () => {
    const { api } = await setup()
    for (const prompt of ['a CPU diagram', 'kidney beans', 'a ‌child']) {
      const r = await api('/api/v1/generate', { method: 'POST', body: JSON.stringify({ prompt }) })
      expect([r.status, await json(r)]).toEqual([400, { error: 'Safety violation: MINORS' }])
    }
    const neg = await api('/api/v1/generate', { method: 'POST', body: JSON.stringify({ prompt: 'a landscape', negative: 'kids' }) })
    expect(neg.status).toBe(202)
  })

  it("redacts the key from a failed job's error", async () => {
    const { adapter } = await setup({
      failureRate: 1,
      onCreate: (j) => void (j.extra.failError = `LoraLoader could not fetch https://x/?key=${KEY} with Bearer ${KEY}`)
    })
    const ref = await adapter.submit({ kind: 'image', model: 'default', prompt: 'x', params: {} })
    const r = await until(async () => {
      const p = await adapter.poll(ref, { sinceSubmitMs: 0 })
      return p.status === 'failed' ? p : undefined
    })
    expect(r.error).not.toContain(KEY)
    expect(r.error).toContain('[redacted]')
  })

  it('parses loras and readable failures', () => {
    expect(parseLoras('a.safetensors:0.8, b')).toEqual([{ name: 'a.safetensors', strength: 0.8 }, { name: 'b' }])
    expect(parseLoras('[{"filename":"c.safetensors","strength_model":0.5}]')).toEqual([{ filename: 'c.safetensors', strength_model: 0.5 }])
    expect(parseLoras('')).toBeUndefined()
    expect(() => parseLoras('[oops')).toThrow(/not valid JSON/)
    expect(readableFailure('WebSocket closed before completion signal')).toEqual({ message: 'WebSocket closed before completion signal', retryable: true })
  })

  it('the catalogue follows the server: one workflow, its clamps, optional references, one job at a time, under 60 requests a minute', () => {
    const m = umrgen.models[0]
    expect(m.input).toEqual({ media: 'image', min: 0, max: 10, maxBytes: 10 * 1024 * 1024, accept: ['image/png', 'image/jpeg', 'image/webp'] })
    const steps = m.params!.find((p) => p.name === 'steps')!
    expect([steps.min, steps.max, steps.default]).toEqual([1, 13, 4])
    expect(m.params!.find((p) => p.name === 'width')).toMatchObject({ min: 512, max: 2048 })
    expect(umrgen.limits.maxActive).toBe(1)
    expect(umrgen.limits.burst + umrgen.limits.rate * 60).toBeLessThanOrEqual(60)
    expect(JSON.stringify(umrgen)).not.toContain('z-img-secret-key-2026')
  })
})
