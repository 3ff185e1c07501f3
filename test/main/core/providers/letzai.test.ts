// LetzAI contract tests (the reference adapter) against the simulator over real HTTP, through a real core.
import { describe, expect, it } from 'vitest'
import { createLetzaiAdapter } from '../../../../src/main/core/providers/letzai'
import { until } from '../../../helpers/core'
import { expectDone, expectKeySent, expectLedgerClean, faultSuite, idle, job, KEY, openHarness, queue } from './harness'

describe.concurrent('LetzAI adapter', () => {
  it('runs all four endpoints: images, videos, image-edits, upscales (no prompt)', async () => {
    const h = await openHarness('letzai')
    const [image] = await queue(h, 'images', ['a castle'], { width: 1024, height: 768, quality: 2 })
    const [video] = await queue(h, 'videos', ['a castle at night'])
    const [edit] = await queue(h, 'image-edits', ['make it snow'], { imageUrl: 'https://example.com/castle.png', mode: 'context' })
    const [upscale] = await queue(h, 'upscales', ['upscale the castle'], { imageUrl: 'https://example.com/castle.png', strength: 2 })
    await idle(h)
    await expectDone(h, [image, edit, upscale], 'image/png')
    await expectDone(h, [video], 'video/mp4')
    expectLedgerClean(h, { jobs: 4 })
    expectKeySent(h)
    const posts = h.sim.engine.requests.filter((r) => r.method === 'POST').map((r) => r.path)
    expect(posts.sort()).toEqual(['/letzai/image-edits', '/letzai/images', '/letzai/upscales', '/letzai/videos'])
    const gets = new Set(h.sim.engine.requests.filter((r) => r.method === 'GET' && r.provider === 'letzai').map((r) => r.path.split('/')[2]))
    expect(gets).toEqual(new Set(['images', 'videos', 'image-edits', 'upscales']))
    // Edits and upscales carried the image they start from.
    const extras = [...h.sim.engine.jobs.values()].filter((j) => j.model === 'image-edits' || j.model === 'upscales').map((j) => j.extra.imageUrl)
    expect(extras).toEqual(['https://example.com/castle.png', 'https://example.com/castle.png'])
  })

  it('treats "generating" as running, reports progress 0–1, and says when to look again', async () => {
    const h = await openHarness('letzai', { sim: { durationMs: 3000, onCreate: (j) => void (j.queuedMs = 50) } })
    const adapter = createLetzaiAdapter({ baseUrl: h.sim.baseUrl('letzai'), apiKey: KEY })
    const ref = await adapter.submit({ kind: 'image', model: 'images', prompt: 'progress please', params: {} })
    expect(ref).toMatchObject({ endpoint: 'images' })
    await new Promise((r) => setTimeout(r, 600))
    const r = await adapter.poll(ref, { sinceSubmitMs: 600 })
    expect(r).toMatchObject({ status: 'running', rawStatus: 'generating', known: true, nextPollMs: 3000 })
    expect(r.progress).toBeGreaterThan(0)
    expect(r.progress).toBeLessThan(1)
    // And through the core: the history records the provider's word.
    const [id] = await queue(h, 'images', ['history please'])
    await until(async () => (await job(h, id)).events.some((e) => e.message === 'Provider says "generating"'), 5000, 'generating recorded')
  })

  it('downloads only the `original` of imageVersions / videoVersions', async () => {
    const h = await openHarness('letzai')
    const [image] = await queue(h, 'images', ['versions'])
    const [video] = await queue(h, 'videos', ['video versions'])
    await idle(h)
    for (const id of [image, video]) {
      const result = JSON.parse(h.core.store.job(id)!.result_json!) as { url: string }[]
      expect(result).toHaveLength(1)
      expect(result[0].url).toMatch(/\/files\/[0-9a-f]+\/0\.(png|mp4)\?exp=\d+$/)
      expect((await job(h, id)).assets).toHaveLength(1)
    }
    const fetched = h.sim.engine.requests.filter((r) => r.provider === 'files').map((r) => r.path.split('/').at(-1))
    expect(fetched.sort()).toEqual(['0.mp4', '0.png'])
  })

  it('fails a job with the provider\'s error', async () => {
    const h = await openHarness('letzai', { sim: { failureRate: 1 } })
    const [id] = await queue(h, 'images', ['refused'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status).toBe('failed')
    expect(d.job.error).toMatch(/refused this prompt/)
    expect(d.job.rawStatus).toBe('failed')
    expectLedgerClean(h, { jobs: 1, downloaded: false })
  })

  faultSuite({ provider: 'letzai', model: 'images' })
})
