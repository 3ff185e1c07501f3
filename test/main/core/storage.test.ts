// A library that cannot be written (the disk full, here: SQLite's page cap reached) must not end the app:
// work pauses, the user is told, and once writes work again everything finishes with nothing sent twice.
import { describe, expect, it } from 'vitest'
import { isStorageError } from '../../../src/main/core/jobs/runner'
import { fixed } from '../../../src/main/core/scheduling/strategies'
import { openTestCore, until } from '../../helpers/core'

describe('a library that cannot be written', () => {
  it('pauses the poller with a notice instead of an unhandled rejection, and resumes where it stopped', async () => {
    const core = await openTestCore({ stored: { demo: { durationMs: 600, failureRate: 0 } }, poller: { strategy: () => fixed(60), random: () => 0 } })
    const notices: { level: string; message: string }[] = []
    core.on('notice', (n) => notices.push(n))
    try {
      const prompts = Array.from({ length: 24 }, (_, i) => `storage test ${i}`)
      const { jobIds } = await core.api.queuePrompts({ prompts })
      await until(async () => (await core.api.getStatusCounts(undefined)).running > 0, 10_000, 'jobs running')
      // The disk is full: the database may not grow by a single page.
      const pages = core.store['db'].pragma('page_count', { simple: true }) as number
      core.store['db'].pragma(`max_page_count = ${pages}`)
      await until(() => notices.some((n) => n.level === 'error' && /cannot write its library/.test(n.message)), 15_000, 'the storage notice')
      expect(notices.find((n) => n.level === 'error')?.message).toMatch(/SQLITE_FULL/)
      const ledgerAtFull = core.simulator.engine.ledger.size
      await new Promise((r) => setTimeout(r, 1500))
      // Nothing new is sent while nothing can be recorded.
      expect(core.simulator.engine.ledger.size).toBe(ledgerAtFull)
      core.store['db'].pragma('max_page_count = 1073741823')
      await until(() => notices.some((n) => n.level === 'info' && /written again/.test(n.message)), 15_000, 'the resumed notice')
      await core.poller.whenIdle()
      const jobs = await Promise.all(jobIds.map(async (id) => (await core.api.getJob({ id }))!.job))
      expect(jobs.map((j) => j.status)).toEqual(jobIds.map(() => 'done'))
      for (const n of core.simulator.engine.submitsByPrompt().values()) expect(n).toBe(1)
      expect(core.simulator.engine.ledger.size).toBe(24)
    } finally {
      core.store['db'].pragma('max_page_count = 1073741823')
      await core.close()
    }
  }, 60_000)

  it('tells SQLite errors apart from the rest', () => {
    expect(isStorageError(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))).toBe(true)
    expect(isStorageError(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }))).toBe(true)
    expect(isStorageError(Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toBe(false)
    expect(isStorageError(new Error('plain'))).toBe(false)
  })
})
