// UMRGEN contract tests against the simulator (which follows umrvntr/umrgen server.mjs) over real HTTP,
// through a real core. The adapter-level checks (uploads, error shapes, limits) are in umrgen-api.test.ts.
import { describe, expect, it } from 'vitest'
import { umrgenFileUrl } from '../../../../src/main/core/providers/umrgen'
import { umrgenSimState } from '../../../../src/main/demo/umrgen'
import { until } from '../../../helpers/core'
import { expectDone, expectKeySent, expectLedgerClean, faultSuite, history, idle, job, openHarness, queue, simJobOf } from './harness'

describe.concurrent('UMRGEN adapter', () => {
  it('generates from results.images[].url, downloads it verbatim (session_id and all) without the key, one job at a time', async () => {
    const h = await openHarness('umrgen')
    const ids = await queue(h, 'default', ['a misty forest', 'a neon city'], { width: 512, height: 512, steps: 4 })
    await idle(h)
    await expectDone(h, ids, 'image/png')
    expectLedgerClean(h, { jobs: 2 })
    expectKeySent(h)
    const downloads = h.sim.engine.requests.filter((r) => r.target === 'download')
    expect(downloads).toHaveLength(2)
    expect(downloads.every((r) => r.provider === 'umrgen' && r.status === 200 && !r.carriedKey)).toBe(true)
    const base = h.sim.baseUrl('umrgen')
    for (const id of ids) {
      const [file] = JSON.parse(h.core.store.job(id)!.result_json!) as { url: string }[]
      expect(file.url).toMatch(new RegExp(`^${base.replace(/[.]/g, '\\.')}/outputs/sid_ext_gen/umrgen_\\d{6}\\.png\\?session_id=sid_ext_gen$`))
      // Without its session_id query the file is 403 (server.mjs /outputs route).
      expect((await fetch(file.url.split('?')[0])).status).toBe(403)
      expect((await fetch(file.url.replace('session_id=sid_ext_gen', 'session_id=sid_other_x'))).status).toBe(403)
      expect((await fetch(file.url)).status).toBe(200)
      expect(await simJobOf(h, id)).toMatch(/^ext_[0-9a-f-]{36}$/)
      // The results window's reply: results.images, no image_url.
      const last = h.core.store.job(id)!.last_response ?? ''
      expect(last).toContain('"results":{"images":[{"url":')
      expect(last).not.toContain('image_url')
    }
    // The server runs one external job at a time: either the poller held the second submit back, or the
    // server answered CONCURRENT_LIMIT and the submit waited (never a failure).
    const second = await job(h, ids[1])
    for (const e of second.events.filter((e) => e.type === 'rate_limited')) expect(e.message).toMatch(/one external job at a time/)
    const jobs = [...h.sim.engine.jobs.values()]
    expect(jobs[1].createdAt).toBeGreaterThanOrEqual(jobs[0].readyAt)
  })

  it('sends what the server reads: sizes, steps, negative, loras; a -1 seed is left out (random) instead of failing at the generator', async () => {
    const h = await openHarness('umrgen')
    const [id] = await queue(h, 'default', ['a red kite'], {
      width: 3000,
      height: 640,
      steps: 20,
      seed: -1,
      negative: 'text, watermark',
      loras: 'detail.safetensors:0.7, style.safetensors'
    })
    await idle(h)
    await expectDone(h, [id])
    const p = [...h.sim.engine.jobs.values()][0].extra.params as Record<string, unknown>
    // The server's clamps: 512–2048, steps 1–13.
    expect(p).toMatchObject({
      prompt: 'a red kite',
      width: 2048,
      height: 640,
      steps: 13,
      negative: 'text, watermark',
      loras: [{ name: 'detail.safetensors', strength: 0.7 }, { name: 'style.safetensors' }]
    })
    expect(p.seed).toBeGreaterThanOrEqual(0)
  })

  it('accepts a model id it does not know: the API has no model field, the server runs its one workflow', async () => {
    const h = await openHarness('umrgen')
    const [id] = await queue(h, 'flux-2-klein-4b-next', ['an unknown model id'])
    await idle(h)
    await expectDone(h, [id])
  })

  it('after the ~60 s results window, downloads the history fallback image_url', async () => {
    const h = await openHarness('umrgen', { pollMs: 400, sim: { durationMs: 200 } })
    umrgenSimState(h.sim.engine).forgetAfterMs = 0
    const [id] = await queue(h, 'default', ['late poll'])
    await idle(h)
    await expectDone(h, [id])
    const last = h.core.store.job(id)!.last_response ?? ''
    expect(last).toMatch(/"state":"completed","image_url":"\/outputs\/sid_ext_gen\/umrgen_\d{6}\.png\?session_id=sid_ext_gen"/)
    expect(last).not.toContain('results')
    expectLedgerClean(h, { jobs: 1 })
  })

  it('fails "completed" with results.images: [] — the generator saved no image', async () => {
    const h = await openHarness('umrgen', { sim: { onCreate: (j) => void (j.extra.noImages = true) } })
    const [id] = await queue(h, 'default', ['nothing saved'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status, history(d.events)).toBe('failed')
    expect(d.job.error).toMatch(/completed but its generator saved no image/)
    expect(d.job.rawStatus).toBe('completed')
    expectLedgerClean(h, { jobs: 1, downloaded: false })
  })

  it('fails "completed" with image_url: "" in the fallback too', async () => {
    const h = await openHarness('umrgen', { pollMs: 400, sim: { durationMs: 200, onCreate: (j) => void (j.extra.noImages = true) } })
    umrgenSimState(h.sim.engine).forgetAfterMs = 0
    const [id] = await queue(h, 'default', ['nothing saved, late'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status, history(d.events)).toBe('failed')
    expect(d.job.error).toMatch(/saved no image/)
    expect(h.core.store.job(id)!.last_response).toContain('"image_url":""')
  })

  it("reports the provider's error for a failed job", async () => {
    const h = await openHarness('umrgen', { sim: { failureRate: 1 } })
    const [id] = await queue(h, 'default', ['a failure'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status).toBe('failed')
    expect(d.job.error).toBe('Timeout waiting for prompt completion')
  })

  it('a failed job the server already forgot (404 after ~60 s) is lost, with the reason', async () => {
    const h = await openHarness('umrgen', { pollMs: 400, sim: { durationMs: 200, failureRate: 1 } })
    umrgenSimState(h.sim.engine).forgetAfterMs = 0
    const [id] = await queue(h, 'default', ['forgotten failure'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status).toBe('failed')
    expect(d.job.error).toMatch(/lost this job.*Job not found: UMRGEN forgets a failed job about 60 s after it ends/)
    expect(d.job.error).not.toContain('{"')
  })

  it('refuses a prompt the word filter blocks, with a clear message and no raw JSON', async () => {
    const h = await openHarness('umrgen')
    const [id] = await queue(h, 'default', ['a kidney bean salad'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status).toBe('failed')
    expect(d.job.error).toMatch(/refused the request \(400\): Safety violation: MINORS: UMRGEN's word filter refused the prompt/)
    expect(d.job.error).not.toContain('{"')
    expect(h.sim.engine.ledger.size).toBe(0)
  })

  it('keeps polling a long queue and a long run: no invented stall limit', async () => {
    const h = await openHarness('umrgen', { sim: { durationMs: 2500, onCreate: (j) => Object.assign(j, { queuedMs: 1200 }) } })
    const [id] = await queue(h, 'default', ['a slow one'])
    await idle(h)
    await expectDone(h, [id])
    const d = await job(h, id)
    expect(d.events.filter((e) => e.type === 'status').map((e) => e.message)).toEqual(expect.arrayContaining(['Provider says "running"']))
  })

  it('cancels at the server: POST /api/job/{id}/cancel (a queued job is dropped, a running one only marked)', async () => {
    const h = await openHarness('umrgen', { sim: { durationMs: 60_000, onCreate: (j) => Object.assign(j, { queuedMs: 50 }) } })
    const [id] = await queue(h, 'default', ['to be canceled'])
    await until(async () => (await job(h, id)).job.status === 'running', 10_000, 'submitted')
    await new Promise((r) => setTimeout(r, 200))
    const simId = await simJobOf(h, id)
    await h.core.api.cancelJobs({ ids: [id] })
    await until(async () => h.sim.engine.requests.some((r) => r.target === 'cancel' && r.status === 200), 10_000, 'remote cancel')
    const cancels = h.sim.engine.requests.filter((r) => r.target === 'cancel')
    expect(cancels.map((r) => [r.method, r.path, r.status])).toEqual([['POST', `/umrgen/api/job/${simId}/cancel`, 200]])
    expect(h.sim.engine.jobs.get(simId)!.extra.cancelledAt).toBeTypeOf('number')
    expect((await job(h, id)).job.status).toBe('canceled')
    // While queued, the cancel takes it out of the queue: the server forgets it (404).
    const q = await openHarness('umrgen', { sim: { durationMs: 60_000, onCreate: (j) => Object.assign(j, { queuedMs: 60_000 }) } })
    const [qid] = await queue(q, 'default', ['canceled while queued'])
    await until(async () => (await job(q, qid)).job.status === 'running', 10_000, 'submitted')
    const qSim = await simJobOf(q, qid)
    await q.core.api.cancelJobs({ ids: [qid] })
    await until(async () => q.sim.engine.requests.some((r) => r.target === 'cancel' && r.status === 200), 10_000, 'remote cancel')
    expect(q.sim.engine.jobs.get(qSim)!.extra.removed).toBe(true)
    expect((await fetch(`${q.sim.baseUrl('umrgen')}/api/v1/status/${qSim}`, { headers: { Authorization: 'Bearer k-test-secret' } })).status).toBe(404)
  })

  it('builds the download URL by string concatenation, keeping the base path', () => {
    expect(umrgenFileUrl('https://umrgen.share.zrok.io', '/outputs/sid_ext_gen/umrgen_847291.png?session_id=sid_ext_gen')).toBe(
      'https://umrgen.share.zrok.io/outputs/sid_ext_gen/umrgen_847291.png?session_id=sid_ext_gen'
    )
    expect(umrgenFileUrl('http://127.0.0.1:9/umrgen/', '/outputs/sid_ext_gen/x.png?session_id=sid_ext_gen')).toBe(
      'http://127.0.0.1:9/umrgen/outputs/sid_ext_gen/x.png?session_id=sid_ext_gen'
    )
  })

  faultSuite({ provider: 'umrgen', model: 'default' })
})
