// Pipeline steps on other providers than the generation's: the Demo makes a picture, then BFL or Wondercat
// (their simulators over loopback HTTP, with their own keys) take the downloaded file as input, sent their
// own way (BFL: base64 in the body; Wondercat: its upload endpoint), and their results are linked back.
import { describe, expect, it } from 'vitest'
import { openHarness } from '../providers/harness'

describe.each([
  ['bfl', 'flux-kontext-pro'],
  ['wondercat', 'nano-banana-2']
] as const)('a step on %s', (provider, model) => {
  it('starts from the Demo generation’s downloaded file and is linked to it', async () => {
    const h = await openHarness(provider)
    const { jobIds } = await h.core.api.queuePrompts({
      provider: 'demo',
      prompts: ['a harbour at noon'],
      steps: [{ provider, model, prompt: 'the same harbour in autumn', params: {} }]
    })
    await h.core.poller.whenIdle()
    const [gen, step] = jobIds.map((id) => h.core.store.job(id)!)
    expect(gen.status).toBe('done')
    expect(step.status, step.error ?? '').toBe('done')
    expect(step.provider).toBe(provider)
    const parentFile = h.core.store.assetsOfJob(gen.id)[0]
    expect(JSON.parse(step.inputs_json!)).toEqual([{ path: parentFile.path, assetId: parentFile.id }])
    expect(h.core.store.assetsOfJob(step.id)).toHaveLength(1)
    // The step's provider got the job once, with the step's own prompt.
    const ledger = [...h.sim.engine.ledger.values()].filter((l) => l.provider === provider)
    expect(ledger.map((l) => [l.prompt, l.submits])).toEqual([['the same harbour in autumn', 1]])
    expect((await h.core.api.getLineage({ jobId: step.id })).parents.map((p) => p.id)).toEqual([gen.id])
    // The file itself went to the provider: BFL saw a base64 PNG of its size; Wondercat an upload of it.
    const simJob = [...h.sim.engine.jobs.values()].find((j) => j.provider === provider)!
    if (provider === 'bfl') expect(simJob.extra.inputs).toMatchObject({ input_image: { kind: 'base64', mime: 'image/png', bytes: parentFile.size } })
    else expect(h.sim.engine.requests.filter((r) => r.provider === 'wondercat' && r.method === 'POST' && /upload/.test(r.path))).toHaveLength(1)
  })
})
