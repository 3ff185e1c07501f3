// The latency promise as a setting: stored per provider, shown in getSettings, validated at the boundary,
// and handed to the learned strategy, whose next poll of a real Demo job comes within it.
import { afterEach, describe, expect, it } from 'vitest'
import type { Core } from '../../../../src/main/core/core'
import { parseArg } from '../../../../src/shared/contract'
import { openTestCore, until } from '../../../helpers/core'

let core: Core | null = null
afterEach(async () => {
  await core?.close()
  core = null
})

describe('latency promise setting', () => {
  it('defaults to 0 (the model’s documented interval), is stored per provider; a negative one is refused at the boundary', async () => {
    core = await openTestCore()
    expect((await core.api.getSettings(undefined)).providers.demo.latencySeconds).toBe(0)
    const settings = await core.api.updateSettings({ polling: { demo: { latencySeconds: 1.5 } } })
    expect(settings.providers.demo.latencySeconds).toBe(1.5)
    expect(settings.providers.bfl.latencySeconds).toBe(0)
    // What main checks of every call from the renderer (IPC and the headless bridge).
    expect(() => parseArg('updateSettings', { polling: { demo: { latencySeconds: -1 } } })).toThrow()
    expect(parseArg('updateSettings', { polling: { demo: { latencySeconds: 2.5 } } }).polling?.demo?.latencySeconds).toBe(2.5)
  })

  it('schedules a running job’s next poll within the promise the user set', async () => {
    core = await openTestCore({ stored: { demo: { durationMs: 60_000, failureRate: 0 }, providers: { demo: { latencySeconds: 1 } } } })
    const { jobIds } = await core.api.queuePrompts({ prompts: ['a slow one'] })
    const c = core
    await until(() => (c.store.job(jobIds[0])?.polls ?? 0) >= 2, 20_000, 'two polls')
    const row = c.store.job(jobIds[0])!
    // No history yet: the job can be finished at once, so no gap may exceed the promise (0.92 × 1 s).
    expect(row.next_poll_at! - row.updated_at).toBeLessThanOrEqual(1000)
  })
})
