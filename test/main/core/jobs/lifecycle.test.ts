// The lifecycle, the one owner of a job's status: the transition table (what may follow what, and what
// may not), each named operation's patch and history row, and that the store writes a transition only while
// the job is still where the transition expects it (a real SQLite file).
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ACTIVE_STATUSES, JOB_STATUSES, RETRYABLE_STATUSES, canRetry, type JobStatus } from '../../../../src/shared/model'
import * as life from '../../../../src/main/core/jobs/lifecycle'
import { Store, type JobRow } from '../../../../src/main/core/storage/store'
import { tempDir } from '../../../helpers/core'

const row = (o: Partial<JobRow> = {}) => ({ status: 'queued' as JobStatus, attempts: 0, transient_errors: 0, ready_at: null, result_json: null, ...o })

describe('transition table', () => {
  it('ends nowhere from done, and lets every other end be retried', () => {
    expect(life.TRANSITIONS.done).toEqual([])
    for (const s of RETRYABLE_STATUSES) expect(life.canTransition(s, 'queued')).toBe(true)
    for (const s of JOB_STATUSES) expect(canRetry(s)).toBe(RETRYABLE_STATUSES.includes(s))
  })

  it('lets the user cancel every active job, and nothing else', () => {
    for (const s of JOB_STATUSES) expect(life.canTransition(s, 'canceled') && s !== 'canceled').toBe(ACTIVE_STATUSES.includes(s))
  })

  it('never goes back to sending a job that may have been sent, except through the user', () => {
    expect(life.canTransition('running', 'queued')).toBe(false)
    expect(life.canTransition('running', 'submitting')).toBe(false)
    expect(life.canTransition('needs_attention', 'submitting')).toBe(false)
    expect(life.canTransition('downloading', 'running')).toBe(false)
  })

  it('refuses an illegal change with a clear error', () => {
    expect(() => life.failed('done', 'x', 0)).toThrow(life.IllegalTransitionError)
    expect(() => life.failed('done', 'x', 0)).toThrow('A job cannot go from done to failed')
    expect(() => life.cancel(row({ status: 'failed' }), false, 0)).toThrow(/from failed to canceled/)
    expect(() => life.retry(row({ status: 'running' }))).toThrow(/from running to queued/)
  })
})

describe('operations', () => {
  it('records the send as intent first, counting the attempt and the try', () => {
    const t = life.submitting(row({ attempts: 1, transient_errors: 2 }), 'BFL', 500)
    expect(t.expect).toBe('queued')
    expect(t.patch).toEqual({ status: 'submitting', attempts: 2, claimed_at: 500, error: null, next_poll_at: null })
    expect(t.event).toEqual({ type: 'submit', message: 'Sending to BFL (attempt 2, try 3)' })
  })

  it('stores the provider id on acceptance, and keeps it after a cancel without changing the status', () => {
    const ref = { id: 'abc', pollingUrl: 'https://x/y' }
    const t = life.accepted(ref, 1000, 3000.4)
    expect(t.patch).toMatchObject({ status: 'running', provider_job_id: 'abc', provider_ref_json: JSON.stringify(ref), submitted_at: 1000, next_poll_at: 3000 })
    const late = life.acceptedAfterCancel(ref, false)
    expect(late.expect).toBe('canceled')
    expect(late.patch.status).toBeUndefined()
    expect(late.event?.message).toMatch(/may still finish \(and bill\) it/)
  })

  it('puts a job the provider did not take back in the queue without counting the attempt', () => {
    const t = life.notAccepted(row({ attempts: 3 }), 9000, { type: 'retry', message: 'again' }, { transient_errors: 1 })
    expect(t).toMatchObject({ expect: 'submitting', patch: { status: 'queued', attempts: 3, next_poll_at: 9000, transient_errors: 1 } })
  })

  it('goes ready with the result files, then done with a count', () => {
    const ready = life.ready({ polls: 4 }, [{ url: 'a' }, { url: 'b' }], 'Ready', 77)
    expect(ready.patch).toMatchObject({ status: 'downloading', polls: 4, progress: 1, ready_at: 77, result_json: '[{"url":"a"},{"url":"b"}]' })
    expect(ready.event?.message).toBe('Ready (Ready); downloading 2 files')
    expect(life.downloaded(1, '/out', 80).event).toEqual({ type: 'done', message: 'Saved 1 file to /out' })
  })

  it('keeps the status on progress, with or without a history row', () => {
    const t = life.progressed('running', { progress: 0.5 })
    expect(t).toMatchObject({ expect: 'running', patch: { progress: 0.5 } })
    expect(t.event).toBeUndefined()
  })

  it('marks a job caught while sending as needs-attention, never to be sent again by itself', () => {
    const t = life.interruptedWhileSending()
    expect(t).toMatchObject({ expect: 'submitting', patch: { status: 'needs_attention', next_poll_at: null }, event: { type: 'needs_attention' } })
    expect(t.patch.error).toMatch(/^Submitted\? Unknown/)
  })

  it('says on cancel whether the provider was asked to stop, or may still bill', () => {
    expect(life.cancel(row({ status: 'running' }), true, 5).event?.message).toBe('Canceled by the user; asked the provider to stop it')
    expect(life.cancel(row({ status: 'running' }), false, 5).event?.message).toMatch(/may still finish \(and bill\)/)
    expect(life.cancel(row({ status: 'queued' }), false, 5)).toMatchObject({
      expect: 'queued',
      patch: { status: 'canceled', finished_at: 5 },
      event: { message: 'Canceled by the user' }
    })
  })

  it('retries a job that failed while downloading by downloading again, and any other end with a new attempt', () => {
    const again = life.retry(row({ status: 'failed', ready_at: 10, result_json: '[]' }))
    expect(again.patch).toEqual({ status: 'downloading', error: null, transient_errors: 0, finished_at: null })
    const fresh = life.retry(row({ status: 'needs_attention', attempts: 2, ready_at: 10, result_json: '[]' }))
    expect(fresh.patch).toMatchObject({ status: 'queued', provider_job_id: null, result_json: null, ready_at: null })
    expect(fresh.event).toEqual({ type: 'retry', message: 'Retried by the user: new attempt 3' })
  })

  it('says which ends take chained steps down, and which leave the provider', () => {
    expect(life.endsChain(life.failed('running', 'x', 0))).toBe('failed')
    expect(life.endsChain(life.needsAttention('running', 'x', 'y'))).toBe('needs attention')
    expect(life.endsChain(life.downloaded(1, '/', 0))).toBeNull()
    expect(life.leavesProvider(life.accepted({ id: 'a' }, 0, 0))).toBe(false)
    expect(life.leavesProvider(life.ready({}, [], 'ok', 0))).toBe(true)
    expect(life.leavesProvider(life.progressed('running', {}))).toBe(false)
    expect(life.parentEnded(7, 'failed', 0)).toMatchObject({ expect: 'queued', patch: { status: 'failed', error: 'The step it starts from failed' } })
  })
})

describe('the store writes transitions', () => {
  const stores: Store[] = []
  afterEach(() => stores.splice(0).forEach((s) => s.close()))

  it('only while the job is where the transition expects it, with its history row', () => {
    const store = Store.open(join(tempDir(), 'library.sqlite'))
    stores.push(store)
    const batch = store.createBatch('b', '/tmp/out')
    const [id] = store.insertJobs(batch, [{ provider: 'demo', model: 'm', kind: 'image', prompt: 'p', params: {} }])
    expect(store.transition(id, life.submitting(store.job(id)!, 'Demo', 1))).toBe(true)
    // A stale transition (the job is no longer queued) writes nothing and adds no history.
    expect(store.transition(id, life.cancel(row({ status: 'queued' }), false, 2))).toBe(false)
    expect(store.job(id)?.status).toBe('submitting')
    expect(store.events(id).map((e) => e.type)).toEqual(['queued', 'submit'])
  })
})
