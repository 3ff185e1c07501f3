// Folder src/main/core/jobs/ — a job's life. lifecycle.ts is the one owner of its status (the transition
// table and the named changes); runner.ts carries each job through submit, poll and download; service.ts is
// the contract's job methods; downloader.ts, media-check.ts and inputs.ts handle the files a job takes and
// makes; eta.ts estimates when it is ready; costs.ts prices it and keeps it within its budgets; pipeline.ts
// chains steps after a generation and sendTo.ts turns picked files into a next step's jobs. May import
// src/shared, scheduling/, providers/ (the adapter interface, its errors, the connections), storage/ and the
// core's events; never electron, the CLI, the headless bridge or the simulator.
//
// The one owner of a job's life: which status may follow which, and the named operations (submitting,
// accepted, progressed, ready, downloaded, failed, needs attention, cancel, retry) that build each change —
// the columns to write and the history row that explains it. The job runner and the job commands call these;
// the store writes only a `Transition`, which only this module makes, so nothing else can set a status.
// Pure functions: no I/O, no clock of its own (the caller passes `now`).
import type { JobEventType, JobStatus } from '../../../shared/model'
import type { JobPatch, JobRow } from '../storage/store'
import type { ProviderRef, ResultFile } from '../providers/types'

/** Where a job may go from each status. A status may also stay as it is (progress, a retry wait). */
export const TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  // Sent, canceled by the user, or failed before sending (its inputs are gone, the step it starts from failed).
  queued: ['submitting', 'canceled', 'failed'],
  // Accepted; not accepted (sent again later); refused; maybe sent (the outcome is unknown).
  submitting: ['running', 'queued', 'failed', 'needs_attention', 'canceled'],
  running: ['downloading', 'failed', 'canceled', 'needs_attention'],
  downloading: ['done', 'failed', 'needs_attention', 'canceled'],
  done: [],
  // Retry: a new attempt, or (the result exists) the download again.
  failed: ['queued', 'downloading'],
  canceled: ['queued'],
  needs_attention: ['queued']
}

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return from === to || TRANSITIONS[from].includes(to)
}

export interface JobEventDraft {
  type: JobEventType
  message: string
}

declare const made: unique symbol

/**
 * One change of a job: written only if the job is still in `expect` (the user may have canceled it while a
 * request was in flight). Branded so that only this module's operations make one.
 */
export interface Transition {
  readonly expect: JobStatus
  readonly patch: JobPatch
  readonly event?: JobEventDraft
  readonly [made]: true
}

/** Thrown for a change the table does not allow: a bug in the caller, never a user's doing. */
export class IllegalTransitionError extends Error {
  constructor(from: JobStatus, to: JobStatus) {
    super(`A job cannot go from ${from} to ${to}`)
    this.name = 'IllegalTransitionError'
  }
}

function change(expect: JobStatus, patch: JobPatch, event?: JobEventDraft): Transition {
  if (patch.status !== undefined && !canTransition(expect, patch.status)) throw new IllegalTransitionError(expect, patch.status)
  return { expect, patch, event } as Transition
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** The send is recorded as intent before the request goes out (at-most-once submission). */
export function submitting(row: Pick<JobRow, 'attempts' | 'transient_errors'>, providerLabel: string, now: number): Transition {
  return change(
    'queued',
    { status: 'submitting', attempts: row.attempts + 1, claimed_at: now, error: null, next_poll_at: null },
    {
      type: 'submit',
      message: `Sending to ${providerLabel} (attempt ${row.attempts + 1}${row.transient_errors > 0 ? `, try ${row.transient_errors + 1}` : ''})`
    }
  )
}

/** A budget cap holds the job back before anything is sent: it stays queued, with the reason. */
export function budgetHeld(reason: string): Transition {
  return change('queued', { error: reason }, { type: 'budget', message: `${reason}. Not sent` })
}

export function accepted(ref: ProviderRef, at: number, due: number): Transition {
  return change(
    'submitting',
    {
      status: 'running',
      provider_job_id: ref.id,
      provider_ref_json: JSON.stringify(ref),
      submitted_at: at,
      next_poll_at: Math.round(due),
      transient_errors: 0
    },
    { type: 'submitted', message: `Accepted as ${ref.id}` }
  )
}

/** The provider accepted a job the user canceled while it was being sent: keep its id (no status change). */
export function acceptedAfterCancel(ref: ProviderRef, canCancel: boolean): Transition {
  return change(
    'canceled',
    { provider_job_id: ref.id, provider_ref_json: JSON.stringify(ref) },
    {
      type: 'canceled',
      message: `The provider accepted it as ${ref.id} after it was canceled; ${canCancel ? 'canceling it there too' : 'the provider may still finish (and bill) it'}`
    }
  )
}

/** The provider did not take the job: it waits queued to be sent again, and the attempt does not count. */
export function notAccepted(
  row: Pick<JobRow, 'attempts'>,
  due: number,
  event: JobEventDraft,
  extra: Pick<JobPatch, 'transient_errors' | 'error'> = {}
): Transition {
  return change('submitting', { status: 'queued', attempts: row.attempts, next_poll_at: Math.round(due), ...extra }, event)
}

/** Anything that keeps the job where it is: progress, the provider's status word, a retry wait, a fresh URL. */
export function progressed(status: JobStatus, patch: Omit<JobPatch, 'status'>, event?: JobEventDraft): Transition {
  return change(status, patch, event)
}

export function ready(base: JobPatch, files: ResultFile[], rawStatus: string, now: number): Transition {
  return change(
    'running',
    { ...base, status: 'downloading', progress: 1, result_json: JSON.stringify(files), ready_at: now, next_poll_at: now },
    { type: 'ready', message: `Ready (${rawStatus}); downloading ${plural(files.length, 'file')}` }
  )
}

export function downloaded(fileCount: number, dir: string, now: number): Transition {
  return change(
    'downloading',
    { status: 'done', finished_at: now, next_poll_at: null, transient_errors: 0 },
    { type: 'done', message: `Saved ${plural(fileCount, 'file')} to ${dir}` }
  )
}

/** `error` is what the job's row shows; `message` what its history says (default the same). */
export function failed(
  from: JobStatus,
  error: string,
  now: number,
  message = error,
  extra: Omit<JobPatch, 'status' | 'error' | 'finished_at'> = {}
): Transition {
  return change(from, { ...extra, status: 'failed', error, finished_at: now }, { type: 'failed', message })
}

/** The user decides: the job may have been sent (and billed), or is stuck, or its result cannot be fetched. */
export function needsAttention(from: JobStatus, error: string, message: string, extra: Omit<JobPatch, 'status' | 'error'> = {}): Transition {
  return change(from, { ...extra, status: 'needs_attention', error }, { type: 'needs_attention', message })
}

/** A job found in `submitting` at start-up was maybe sent: it is never sent again by itself. */
export function interruptedWhileSending(): Transition {
  return needsAttention(
    'submitting',
    'Submitted? Unknown: the app stopped while sending this job. Check the provider, then retry or cancel.',
    'The app stopped between sending the job and storing its id; it was not sent again so it cannot be paid for twice',
    { next_poll_at: null }
  )
}

export function canceledByProvider(base: JobPatch, rawStatus: string, now: number): Transition {
  return change(
    'running',
    { ...base, status: 'canceled', finished_at: now, next_poll_at: null },
    { type: 'canceled', message: `The provider canceled the job (${rawStatus})` }
  )
}

/** The user's cancel. `remote`: the provider is asked to stop it too. */
export function cancel(row: Pick<JobRow, 'status'>, remote: boolean, now: number): Transition {
  const message = remote
    ? 'Canceled by the user; asked the provider to stop it'
    : row.status === 'running'
      ? 'Canceled by the user; the provider has no cancel, so it may still finish (and bill) the job'
      : 'Canceled by the user'
  return change(row.status, { status: 'canceled', finished_at: now, next_poll_at: null }, { type: 'canceled', message })
}

/** The user's retry: a job that failed while downloading still has its result, so it is fetched again rather than paid twice. */
export function retry(row: Pick<JobRow, 'status' | 'ready_at' | 'result_json' | 'attempts'>): Transition {
  const redownload = row.status === 'failed' && row.ready_at !== null && row.result_json !== null
  if (redownload) {
    return change(
      row.status,
      { status: 'downloading', error: null, transient_errors: 0, finished_at: null },
      { type: 'retry', message: 'Retried by the user: downloading the result again' }
    )
  }
  return change(
    row.status,
    {
      status: 'queued',
      error: null,
      transient_errors: 0,
      finished_at: null,
      progress: null,
      provider_job_id: null,
      provider_ref_json: null,
      result_json: null,
      raw_status: null,
      ready_at: null,
      submitted_at: null
    },
    { type: 'retry', message: `Retried by the user: new attempt ${row.attempts + 1}` }
  )
}

/** Whether a job is still in the runner's hands (it counts against its provider's active cap until it leaves `running`). */
export function leavesProvider(t: Transition): boolean {
  return t.patch.status !== undefined && t.patch.status !== 'submitting' && t.patch.status !== 'running'
}

/** A job that will never be done takes the steps chained after it down with it. */
export function endsChain(t: Transition): string | null {
  const s = t.patch.status
  return s === 'failed' || s === 'canceled' ? s : s === 'needs_attention' ? 'needs attention' : null
}

/** A pipeline step that failed only because the job it starts from did: queued again with that job's retry. */
export function requeuedWithParent(parentId: number): Transition {
  return change(
    'failed',
    { status: 'queued', error: null, finished_at: null, next_poll_at: null, transient_errors: 0 },
    { type: 'retry', message: `Queued again with job ${parentId}, which it starts from` }
  )
}

export function parentEnded(parentId: number, why: string, now: number): Transition {
  return failed('queued', `The step it starts from ${why}`, now, `Job ${parentId}, which this step starts from, ${why}`)
}
