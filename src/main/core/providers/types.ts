// The one small interface every provider adapter implements. The poller speaks only this: it never knows
// which provider is behind a job.
import type { JobKind, ProviderId } from '../../../shared/catalogue'

/**
 * What the poller needs to find a job at its provider again; stored as JSON with the job. `cost`, where the
 * provider's submit answer reports one (BFL), is what the job costs in the provider's billing currency: the
 * ledger takes it as the billed figure.
 */
export interface ProviderRef {
  id: string
  [key: string]: string | number | boolean | null
}

/** A local file a job takes as its input: a gallery item or a file the user picked or named in a prompt file. */
export interface InputFile {
  /** Absolute path; the core checked that it exists before the submit. */
  path: string
  /** Base name, for multipart uploads and messages. */
  name: string
  /** From the file's magic bytes (image/png, image/jpeg, image/webp, video/mp4, …). */
  mime: string
  size: number
}

export interface SubmitInput {
  kind: JobKind
  model: string
  prompt: string
  params: Record<string, unknown>
  /** Provider media this job starts from (e.g. the parent job's output in a chain). */
  inputMedia?: { url?: string; mediaId?: string }[]
  /**
   * Local files this job starts from. The adapter sends them the provider's own way (its upload endpoint,
   * base64 in the body), or refuses with a clear ProviderError('rejected') when the API only takes URLs.
   */
  inputFiles?: InputFile[]
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
}

export interface ProviderAdapter {
  readonly id: ProviderId
  submit(input: SubmitInput): Promise<ProviderRef>
  poll(ref: ProviderRef, context: { sinceSubmitMs: number }): Promise<PollResult>
  cancel?(ref: ProviderRef): Promise<void>
  /**
   * "Test connection" in settings: a request whose answer depends on the key (a wrong key must throw an
   * 'auth' ProviderError, never come back as connected). Resolves to a sentence for the user.
   */
  testConnection(): Promise<string>
  /** The account's balance, where the provider documents an endpoint for it (Settings, the status bar). */
  balance?(): Promise<{ amount: number; currency: 'usd' | 'credits' }>
  /** The provider's own model list, where its API publishes one (Settings → refresh models). */
  listModels?(): Promise<{ id: string; label?: string; kind?: JobKind }[]>
}

export interface AdapterConfig {
  baseUrl: string
  apiKey: string | null
  /** Per-request timeout in ms. */
  timeoutMs?: number
}
