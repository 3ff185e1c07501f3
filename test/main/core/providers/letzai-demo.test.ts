// The Demo (the app's default provider) speaks LetzAI's protocol against the built-in simulator: its edit, upscale
// and image-to-video must work offline from a gallery picture, through the same upload LetzAI's API wants.
import { afterAll, describe, expect, it } from 'vitest'
import type { Core } from '../../../../src/main/core/core'
import { openTestCore } from '../../../helpers/core'

const cores: Core[] = []
afterAll(async () => {
  await Promise.all(cores.map((c) => c.close()))
})

describe('Demo (LetzAI protocol, built-in simulator)', () => {
  it('makes an image, then edits, upscales and animates that gallery picture, offline and without a key', async () => {
    const core = await openTestCore()
    cores.push(core)
    await core.api.queuePrompts({ prompts: ['a lighthouse'], provider: 'demo', model: 'images' })
    await core.poller.whenIdle()
    const { items } = await core.api.listGallery({ limit: 1 })
    expect(items).toHaveLength(1)
    const inputs = [{ assetId: items[0].id }]
    const edit = await core.api.queuePrompts({ prompts: ['paint it red'], provider: 'demo', model: 'image-edits', inputs })
    const upscale = await core.api.queuePrompts({ prompts: ['sharper'], provider: 'demo', model: 'upscales', inputs })
    const video = await core.api.queuePrompts({ prompts: ['waves roll in'], provider: 'demo', model: 'videos', inputs })
    await core.poller.whenIdle()
    for (const { jobIds } of [edit, upscale, video]) {
      const d = await core.api.getJob({ id: jobIds[0] })
      expect(d?.job.status, d?.events.map((e) => `${e.type}: ${e.message}`).join('\n')).toBe('done')
      expect(d?.assets).toHaveLength(1)
    }
    // Each went up through /user-assets and a keyless PUT, and LetzAI's job got the uploaded picture's URL.
    const engine = core.simulator.engine
    const puts = engine.requests.filter((r) => r.provider === 'letzai' && r.method === 'PUT')
    expect(puts).toHaveLength(3)
    expect(puts.every((r) => !r.carriedKey && r.status === 200)).toBe(true)
    const started = [...engine.jobs.values()].filter((j) => j.extra.endpoint !== 'images').map((j) => j.extra.imageUrl as string)
    expect(started).toHaveLength(3)
    for (const url of started) expect(engine.uploads.has(url.split('/').at(-1)!)).toBe(true)
  })
})
