// APIXO contract tests against the simulator over real HTTP, through a real core where a core can drive it.
import { describe, expect, it } from 'vitest'
import { createApixoAdapter } from '../../../../src/main/core/providers/apixo'
import { expectDone, expectKeySent, expectLedgerClean, faultSuite, history, idle, job, KEY, openHarness, queue } from './harness'

describe.concurrent('APIXO adapter', () => {
  it('generates images, video and Suno audio through the {code, msg, data} envelope', async () => {
    const h = await openHarness('apixo')
    const [image] = await queue(h, 'nano-banana', ['a banana boat'])
    const [video] = await queue(h, 'sora-2', ['a banana dancing'])
    const [audio] = await queue(h, 'suno', ['a banana ballad'])
    await idle(h)
    await expectDone(h, [image], 'image/png')
    await expectDone(h, [video], 'video/mp4')
    await expectDone(h, [audio], 'audio/wav')
    expectLedgerClean(h, { jobs: 3 })
    expectKeySent(h)
    const paths = new Set(h.sim.engine.requests.filter((r) => r.provider === 'apixo').map((r) => `${r.method} ${r.path}`))
    expect(paths).toEqual(new Set(['POST /apixo/generateTask/nano-banana', 'POST /apixo/generateTask/sora-2', 'POST /apixo/generateTask/suno', 'GET /apixo/checkStatus/nano-banana', 'GET /apixo/checkStatus/sora-2', 'GET /apixo/checkStatus/suno']))
    // The stored reference keeps the model: the status path needs it.
    expect(JSON.parse(h.core.store.job(audio)!.provider_ref_json!)).toMatchObject({ model: 'suno' })
  })

  it('turns envelope codes at HTTP 200 into the right errors', async () => {
    const h = await openHarness('apixo')
    const adapter = createApixoAdapter({ baseUrl: h.sim.baseUrl('apixo'), apiKey: KEY })
    const input = { kind: 'image' as const, model: 'nano-banana', prompt: 'p', params: {} }
    const cases = [
      ['429', 'rate_limited'],
      ['401', 'auth'],
      ['402', 'credits'],
      ['500', 'transient'],
      ['403', 'rejected'],
      ['404', 'rejected']
    ] as const
    for (const [code, kind] of cases) {
      h.sim.engine.inject('apixo', { on: 'submit', fault: code, times: 1 })
      await expect(adapter.submit(input), `code ${code}`).rejects.toMatchObject({ kind, details: { httpStatus: 200 } })
    }
    // Every one of those answers was an HTTP 200.
    expect(h.sim.engine.requests.map((r) => r.status)).toEqual(cases.map(() => 200))
    // On a status request, 404 means the task is lost.
    const ref = await adapter.submit(input)
    h.sim.engine.inject('apixo', { on: 'poll', fault: '404', times: 1 })
    await expect(adapter.poll(ref, { sinceSubmitMs: 0 })).rejects.toMatchObject({ kind: 'not_found' })
    await expect(adapter.poll({ id: 'no-such-task', model: 'nano-banana' }, { sinceSubmitMs: 0 })).rejects.toMatchObject({ kind: 'not_found' })
    // A wrong key is code 401 inside a 200.
    const wrong = createApixoAdapter({ baseUrl: h.sim.baseUrl('apixo'), apiKey: 'wrong' })
    await expect(wrong.submit(input)).rejects.toMatchObject({ kind: 'auth' })
  })

  it('pauses the provider when the key is wrong (code 401), submitting nothing', async () => {
    const h = await openHarness('apixo', { key: 'not-the-key' })
    const [id] = await queue(h, 'nano-banana', ['wrong key'])
    await new Promise((r) => setTimeout(r, 300))
    expect((await h.core.api.getSettings(undefined)).providers.apixo.pausedReason).toMatch(/code 401/)
    expect((await job(h, id)).job.status).toBe('queued')
    expect(h.sim.engine.ledger.size).toBe(0)
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

  it('reports failed tasks as "failCode: failMsg"', async () => {
    const h = await openHarness('apixo', { sim: { failureRate: 1 } })
    const [id] = await queue(h, 'veo-3-1', ['a failing video'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status).toBe('failed')
    expect(d.job.error).toBe('GENERATION_FAILED: The simulated model refused this prompt')
    expectLedgerClean(h, { jobs: 1, downloaded: false })
  })

  faultSuite({ provider: 'apixo', model: 'nano-banana', envelope: true })
})
