// BFL contract tests against the simulator over real HTTP, through a real core.
import { describe, expect, it } from 'vitest'
import { bflKeyHosts, createBflAdapter } from '../../../../src/main/core/providers/bfl'
import { ProviderHttp } from '../../../../src/main/core/providers/http'
import { expectDone, expectKeySent, expectLedgerClean, faultSuite, history, idle, job, KEY, openHarness, queue, simJobOf } from './harness'

describe.concurrent('BFL adapter', () => {
  it('generates with both models, polling the absolute polling_url on another host without the key', async () => {
    const h = await openHarness('bfl')
    const ids = [
      ...(await queue(h, 'flux-2-pro', ['a lighthouse at dusk', 'a red kite'], { output_format: 'png' })),
      ...(await queue(h, 'flux-kontext-pro', ['a paper boat']))
    ]
    await idle(h)
    // flux-2-pro asked for PNG; Kontext got BFL's default, JPEG.
    await expectDone(h, ids.slice(0, 2), 'image/png')
    await expectDone(h, ids.slice(2), 'image/jpeg')
    expectLedgerClean(h, { jobs: 3 })
    expectKeySent(h)
    const { requests } = h.sim.engine
    const polls = requests.filter((r) => r.provider === 'bfl' && r.target === 'poll')
    expect(polls.length).toBeGreaterThanOrEqual(3)
    // Every poll went to the polling_url's host (localhost), not the base host (127.0.0.1) …
    expect(polls.every((r) => r.host?.startsWith('localhost:'))).toBe(true)
    // … and that host, not on the key's allow list, never saw the key.
    expect(polls.filter((r) => r.carriedKey)).toEqual([])
    expect(requests.filter((r) => r.provider === 'bfl' && r.target === 'submit').every((r) => r.host?.startsWith('127.0.0.1:'))).toBe(true)
    // The stored reference keeps the polling_url exactly as BFL gave it, and the submit answer's cost (credits).
    const simId = await simJobOf(h, ids[0])
    const cost = h.sim.engine.jobs.get(simId)!.extra.cost
    expect(typeof cost).toBe('number')
    expect(JSON.parse(h.core.store.job(ids[0])!.provider_ref_json!)).toEqual({
      id: simId,
      pollingUrl: `${h.sim.baseUrl('bfl').replace('127.0.0.1', 'localhost')}/v1/get_result?id=${simId}`,
      cost
    })
    const detail = await job(h, ids[0])
    for (const e of detail.events) expect(e.message).not.toContain(KEY)
  })

  it('sends the key to *.bfl.ai hosts only when the base is on bfl.ai', () => {
    const onBfl = bflKeyHosts('api.bfl.ai')
    expect(onBfl('api.eu1.bfl.ai')).toBe(true)
    expect(onBfl('api.us1.bfl.ai')).toBe(true)
    expect(onBfl('bfl.ai.evil.example')).toBe(false)
    expect(onBfl('evilbfl.ai')).toBe(false)
    expect(onBfl('localhost')).toBe(false)
    const local = bflKeyHosts('127.0.0.1')
    expect(local('api.eu1.bfl.ai')).toBe(false)
    expect(local('localhost')).toBe(false)
    const http = new ProviderHttp({ baseUrl: 'https://api.bfl.ai', apiKey: 'k', label: 'BFL', authHeaders: (k) => ({ 'x-key': k }), extraKeyHosts: onBfl })
    expect(http.mayCarryKey(new URL('https://api.eu1.bfl.ai/v1/get_result?id=1'))).toBe(true)
    expect(http.mayCarryKey(new URL('http://api.eu1.bfl.ai/v1/get_result?id=1'))).toBe(false)
    expect(http.mayCarryKey(new URL('https://delivery.example.net/x.png'))).toBe(false)
  })

  it('fails moderated requests and content as not worth retrying', async () => {
    const h = await openHarness('bfl')
    h.sim.engine.options.onCreate = (j) => {
      if (j.prompt.startsWith('request')) j.extra.finalStatus = 'Request Moderated'
      if (j.prompt.startsWith('content')) j.extra.finalStatus = 'Content Moderated'
    }
    const ids = await queue(h, 'flux-2-pro', ['request that is moderated', 'content that is moderated'])
    await idle(h)
    for (const id of ids) {
      const d = await job(h, id)
      expect(d.job.status, history(d.events)).toBe('failed')
      expect(d.job.error).toMatch(/^Moderated/)
      expect(d.events.at(-1)?.message).toMatch(/retrying will not help/)
      expect(d.job.rawStatus).toMatch(/(Request|Content) Moderated/)
    }
    expectLedgerClean(h, { jobs: 2, downloaded: false })
  })

  it('fails a task BFL lost ("Task not found") without retrying', async () => {
    const h = await openHarness('bfl')
    h.sim.engine.options.onCreate = (j) => void (j.extra.lost = true)
    const [id] = await queue(h, 'flux-2-pro', ['a task that gets lost'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status).toBe('failed')
    expect(d.job.error).toMatch(/lost/)
    expect(d.job.rawStatus).toBe('Task not found')
    // Also straight from the adapter, for an id BFL never had.
    const adapter = createBflAdapter({ baseUrl: h.sim.baseUrl('bfl'), apiKey: KEY })
    const polling = h.sim.baseUrl('bfl').replace('127.0.0.1', 'localhost')
    const result = await adapter.poll({ id: 'nope', pollingUrl: `${polling}/v1/get_result?id=nope` }, { sinceSubmitMs: 0 })
    expect(result).toMatchObject({ status: 'failed', rawStatus: 'Task not found', known: true })
  })

  it('fails a job when the status request answers 404 (lost)', async () => {
    const h = await openHarness('bfl')
    h.sim.engine.inject('bfl', { on: 'poll', fault: '404', times: 1 })
    const [id] = await queue(h, 'flux-2-pro', ['404 on the poll'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status).toBe('failed')
    expect(d.job.error).toMatch(/lost this job/)
    expect(h.sim.engine.requests.filter((r) => r.target === 'poll')).toHaveLength(1)
  })

  it('gets a fresh result URL from polling_url when the download of an expired one gets 403', async () => {
    const h = await openHarness('bfl')
    h.sim.engine.inject('files', { on: 'download', fault: '403', times: 1 })
    const [id] = await queue(h, 'flux-2-pro', ['an expiring url'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status, history(d.events)).toBe('done')
    expect(d.events.find((e) => e.type === 'retry')?.message).toMatch(/403.*fresh URL/)
    const downloads = h.sim.engine.requests.filter((r) => r.provider === 'files')
    expect(downloads.map((r) => r.status)).toEqual([403, 200])
    // Two different URLs (a fresh expiry), both without a key.
    expect(downloads.every((r) => !r.carriedKey)).toBe(true)
    // The one extra poll after Ready is the refresh.
    expectLedgerClean(h, { jobs: 1, pollsAfterTerminal: 1 })
  })

  it('gives up when the refreshed URL has expired too (10-minute expiry, compressed)', async () => {
    // URLs expire 1 ms after they are handed out: the first and the refreshed one are both dead on arrival.
    const h = await openHarness('bfl', { sim: { urlTtlMs: 1 } })
    const [id] = await queue(h, 'flux-2-pro', ['expired twice'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status).toBe('needs_attention')
    expect(d.job.error).toMatch(/403/)
    expect(d.events.at(-1)?.message).toMatch(/refreshed URL failed too/)
    expect(h.sim.engine.requests.filter((r) => r.provider === 'files').map((r) => r.status)).toEqual([403, 403])
  })

  it('holds submits on 429 "too many active tasks", never failing or resubmitting', async () => {
    // No Retry-After: the adapter's default hold is 10 s, but a task finishing lifts it, so held submits go
    // as soon as a slot frees up rather than after the whole hold.
    const h = await openHarness('bfl', { sim: { maxActiveTasks: 2, durationMs: 400 } })
    const prompts = Array.from({ length: 5 }, (_, i) => `capped ${i}`)
    const ids = await queue(h, 'flux-2-pro', prompts)
    const started = Date.now()
    await idle(h, 30_000)
    await expectDone(h, ids, 'image/jpeg')
    expectLedgerClean(h, { jobs: 5 })
    // Five capped jobs did not wait out a 10 s hold each time a submit bounced.
    expect(Date.now() - started).toBeLessThan(10_000)
    const rejected = h.sim.engine.requests.filter((r) => r.target === 'submit' && r.status === 429)
    expect(rejected.length).toBeGreaterThan(0)
    const held = await Promise.all(ids.map(async (id) => (await job(h, id)).events.filter((e) => e.type === 'rate_limited')))
    expect(held.flat()[0]?.message).toMatch(/too many active tasks/)
    // Never more than two tasks active at once at BFL.
    const spans = [...h.sim.engine.jobs.values()].map((j) => [j.createdAt, j.readyAt] as const)
    for (const [start] of spans) expect(spans.filter(([s, e]) => s <= start && start < e).length).toBeLessThanOrEqual(2)
  })

  faultSuite({ provider: 'bfl', model: 'flux-2-pro' })
})
