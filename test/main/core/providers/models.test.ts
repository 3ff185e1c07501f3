// Open model lists through the core: a provider whose API lists its models answers Settings' refresh, one
// without says so; a model the catalogue does not know is sent as typed and the provider's refusal shown.
import { describe, expect, it } from 'vitest'
import { history, idle, job, openHarness, queue } from './harness'

describe.concurrent('model lists', () => {
  it('refreshes Wonda’s models from its API, and says BFL has no such list', async () => {
    const wonda = await openHarness('wondercat')
    const listed = await wonda.core.api.listProviderModels({ provider: 'wondercat' })
    expect(listed.models?.map((m) => m.id)).toEqual(expect.arrayContaining(['nano-banana-2', 'seedance-2']))
    expect(listed.message).toMatch(/^Wondercat lists \d+ models$/)
    const bfl = await openHarness('bfl')
    expect(await bfl.core.api.listProviderModels({ provider: 'bfl' })).toEqual({
      models: null,
      message: expect.stringMatching(/does not list its models over its API/)
    })
  })

  it('sends a model id the catalogue does not list, and shows the provider’s own refusal plainly', async () => {
    const h = await openHarness('bfl')
    const [id] = await queue(h, 'flux-9-imaginary', ['a model from next month'])
    await idle(h)
    const d = await job(h, id)
    expect(d.job.status, history(d.events)).toBe('failed')
    expect(d.job.model).toBe('flux-9-imaginary')
    expect(d.job.error).toMatch(/BFL has no model/)
    expect(d.job.error).not.toMatch(/[{}]/)
    expect(h.sim.engine.requests.some((r) => r.path === '/bfl/v1/flux-9-imaginary' && r.status === 404)).toBe(true)
  })
})
