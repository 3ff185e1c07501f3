// The one small interface every provider adapter implements. The poller speaks only this: it never knows
// which provider is behind a job.
import type { JobKind, ProviderId } from '../../../shared/catalogue'

/** What the poller needs to find a job at its provider again; stored as JSON with the job. */
export interface ProviderRef {
  id: string
  [key: string]: string | number | boolean | null
}

export interface SubmitInput {
  kind: JobKind
  model: string
  prompt: string
  params: Record<string, unknown>
  /** Provider media this job starts from (e.g. the parent job's output in a chain). */
  inputMedia?: { url?: string; mediaId?: string }[]
}

export type CommonStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled'

export interface ResultFile {
  url: string
  mediaId?: string
  mime?: string
}

export interface PollResult {
  status: CommonStatus
  /** The provider's own status word, as sent. */
  rawStatus: string
  /** False when the provider sent a status word this adapter does not know (treated as running). */
  known: boolean
  progress?: number | null
  files?: ResultFile[]
  error?: string
  /** For failures: whether submitting again could succeed (moderation could not). */
  retryable?: boolean
  /** The provider says or implies the job is stuck: it goes to the user instead of being polled forever. */
  stalled?: string
  /** The provider's own hint of when to look again, in ms. */
  nextPollMs?: number
}

export interface ProviderAdapter {
  readonly id: ProviderId
  submit(input: SubmitInput): Promise<ProviderRef>
  poll(ref: ProviderRef, context: { sinceSubmitMs: number }): Promise<PollResult>
  cancel?(ref: ProviderRef): Promise<void>
  /** A cheap authenticated request, for "test connection" in settings. */
  testConnection?(): Promise<string>
}

export interface AdapterConfig {
  baseUrl: string
  apiKey: string | null
  /** Per-request timeout in ms. */
  timeoutMs?: number
}
