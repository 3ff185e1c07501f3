// A provider that cannot be spoken to — a bad <NAME>_BASE_URL, a saved key that no longer decrypts — pauses
// with the reason; its jobs wait queued (never "Submitted? Unknown" for a job never sent) and can be canceled.
import { describe, expect, it } from 'vitest'
import { openTestCore, until } from '../../helpers/core'

describe('a provider that cannot be built', () => {
  it('pauses at start for a bad environment base URL; its job waits queued and cancels locally', async () => {
    process.env.UMRGEN_BASE_URL = 'http://umrgen.example.net'
    try {
      const core = await openTestCore({ keys: { get: () => 'k' } })
      try {
        const paused = (await core.api.getSettings(undefined)).providers.umrgen.pausedReason
        expect(paused).toMatch(/^UMRGEN_BASE_URL is not usable: .*must use https/)
        const { jobIds } = await core.api.queuePrompts({ provider: 'umrgen', prompts: ['never sent'] })
        await new Promise((r) => setTimeout(r, 500))
        const d = (await core.api.getJob({ id: jobIds[0] }))!
        expect(d.job).toMatchObject({ status: 'queued', attempts: 0 })
        expect((await core.api.cancelJobs({ ids: jobIds })).changed).toBe(1)
        expect((await core.api.getJob({ id: jobIds[0] }))!.job.status).toBe('canceled')
      } finally {
        await core.close()
      }
    } finally {
      delete process.env.UMRGEN_BASE_URL
    }
  })

  it('pauses when the adapter cannot be built (a key that cannot be decrypted), leaving the job queued', async () => {
    const core = await openTestCore({
      keys: {
        get: () => null,
        check: (p) => ({
          provider: p,
          source: 'none',
          envVar: '',
          file: '',
          problem: p === 'letzai' ? 'The saved LetzAI key cannot be decrypted; enter it again in Settings' : null
        })
      }
    })
    try {
      const { jobIds } = await core.api.queuePrompts({ provider: 'letzai', prompts: ['waits'] })
      await until(async () => (await core.api.getSettings(undefined)).providers.letzai.pausedReason !== null, 5000, 'the pause')
      expect((await core.api.getSettings(undefined)).providers.letzai.keyProblem).toMatch(/cannot be decrypted/)
      const d = (await core.api.getJob({ id: jobIds[0] }))!
      expect(d.job).toMatchObject({ status: 'queued', attempts: 0 })
      expect(core.poller.pausedReason('letzai')).toMatch(/LetzAI cannot be used: The saved LetzAI key cannot be decrypted/)
      expect((await core.api.cancelJobs({ ids: jobIds })).changed).toBe(1)
    } finally {
      await core.close()
    }
  })
})
