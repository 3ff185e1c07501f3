// UMRGEN contract tests against the simulator over real HTTP, through a real core.
import { describe, expect, it } from 'vitest'
import type { ProviderId } from '../../../../src/shared/catalogue'
import { createUmrgenAdapter, umrgenFileUrl } from '../../../../src/main/core/providers/umrgen'
import { expectDone, expectKeySent, expectLedgerClean, faultSuite, history, idle, job, KEY, openHarness, queue } from './harness'

describe.concurrent('UMRGEN adapter', () => {
  it('generates and downloads base + image_url verbatim, session_id and all, without the key', async () => {
    const h = await openHarness('umrgen')
    const ids = await queue(h, 'default', ['a misty forest', 'a neon city'], { width: 512, height: 512, steps: 20 })
    await idle(h)
    await expectDone(h, ids, 'image/png')
    expectLedgerClean(h, { jobs: 2 })
    expectKeySent(h)
    // The files came from the API host's /outputs, without the key.
    const downloads = h.sim.engine.requests.filter((r) => r.target === 'download')
    expect(downloads).toHaveLength(2)
    expect(downloads.every((r) => r.provider === 'umrgen' && r.status === 200 && !r.carriedKey)).toBe(true)
    const base = h.sim.baseUrl('umrgen')
    for (const id of ids) {
      const [file] = JSON.parse(h.core.store.job(id)!.result_json!) as { url: string }[]
      // The session id contains "~", which re-encoding the query would turn into %7E.
      expect(file.url).toMatch(new RegExp(`^${base.replace(/[.]/g, '\\.')}/outputs/(sid_[0-9a-f]+~[0-9a-f]+)/umrgen_[0-9a-f]+\\.png\\?session_id=\\1$`))
      const reencoded = file.url.replace(/session_id=(.*)$/, (_, sid: string) => `session_id=${encodeURIComponent(sid).replace(/~/g, '%7E')}`)
      // The simulator insists on the exact string, as UMRGEN does.
      expect((await fetch(reencoded)).status).toBe(403)
      expect((await fetch(file.url)).status).toBe(200)
    }
    // The stored reference keeps the session id.
    expect(JSON.parse(h.core.store.job(ids[0])!.provider_ref_json!).sessionId).toMatch(/^sid_/)
  })

  it('builds the download URL by string concatenation, keeping the base path', () => {
    expect(umrgenFileUrl('https://umrgen.share.zrok.io', '/outputs/sid_ext_gen/umrgen_847291.png?session_id=sid_ext_gen')).toBe(
      'https://umrgen.share.zrok.io/outputs/sid_ext_gen/umrgen_847291.png?session_id=sid_ext_gen'
    )
    expect(umrgenFileUrl('http://127.0.0.1:9/umrgen/', '/outputs/a~b/x.png?session_id=a~b%2F+c')).toBe('http://127.0.0.1:9/umrgen/outputs/a~b/x.png?session_id=a~b%2F+c')
    expect(umrgenFileUrl('http://127.0.0.1:9/umrgen', 'outputs/x.png?session_id=s')).toBe('http://127.0.0.1:9/umrgen/outputs/x.png?session_id=s')
  })

  it('fails on a 403 download (stale session) with that reason, without looping', async () => {
    const h = await openHarness('umrgen')
    h.sim.engine.options.onCreate = (j) => void (j.extra.staleSession = true)
    const [id] = await queue(h, 'default', ['a stale session'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status, history(d.events)).toBe('failed')
    expect(d.job.error).toMatch(/403.*session_id/)
    expect(d.events.at(-1)?.message).toMatch(/no other URL/)
    // One download, one re-poll that returned the same URL, and nothing after.
    expect(h.sim.engine.requests.filter((r) => r.target === 'download').map((r) => r.status)).toEqual([403])
    const requests = h.sim.engine.requests.length
    await new Promise((r) => setTimeout(r, 400))
    expect(h.sim.engine.requests.length).toBe(requests)
    expectLedgerClean(h, { jobs: 1, downloaded: false, pollsAfterTerminal: 1 })
  })

  it('fails "completed" with a null image_url: provider saved no file', async () => {
    const h = await openHarness('umrgen')
    h.sim.engine.options.onCreate = (j) => void (j.extra.noFile = true)
    const [id] = await queue(h, 'default', ['nothing saved'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status).toBe('failed')
    expect(d.job.error).toMatch(/provider saved no file/)
    expect(d.job.rawStatus).toBe('completed')
    expectLedgerClean(h, { jobs: 1, downloaded: false })
  })

  it('reports the provider\'s error for a failed job', async () => {
    const h = await openHarness('umrgen', { sim: { failureRate: 1 } })
    const [id] = await queue(h, 'default', ['a failure'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status).toBe('failed')
    expect(d.job.error).toMatch(/CUDA error/)
  })

  it('sends a job running longer than the stall limit to needs attention', async () => {
    const h = await openHarness('umrgen', { sim: { onCreate: (j) => Object.assign(j, { queuedMs: 20, readyAt: Date.now() + 3_600_000 }) } })
    // The 60 s limit is an adapter option; this core's UMRGEN adapter uses 400 ms.
    const adapter = createUmrgenAdapter({ baseUrl: h.sim.baseUrl('umrgen'), apiKey: KEY }, { stallAfterMs: 400 })
    const original = h.core.adapter.bind(h.core)
    h.core.adapter = (p: ProviderId) => (p === 'umrgen' ? adapter : original(p))
    const [id] = await queue(h, 'default', ['a job that hangs'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status, history(d.events)).toBe('needs_attention')
    expect(d.job.error).toMatch(/running this job for \d+ s.*probably crashed/)
    expect(d.events.at(-1)?.message).toMatch(/offered for resubmission/)
    const entry = [...h.sim.engine.ledger.values()][0]
    expect(entry.submits).toBe(1)
    // Polled while running for at least the limit before giving it to the user; not polled after.
    const polls = h.sim.engine.requests.filter((r) => r.target === 'poll').map((r) => r.at)
    expect(polls.length).toBeGreaterThanOrEqual(2)
    expect(d.events.at(-1)!.at - d.job.submittedAt!).toBeGreaterThanOrEqual(400)
  })

  faultSuite({ provider: 'umrgen', model: 'default' })
})
