// The domain's types and constants, shared by every process. Plain TypeScript with no dependencies, so the
// renderer can import them without pulling in zod; the methods and events themselves are in contract.ts.
import type { JobKind, PollStrategyName, ProviderId } from './catalogue'
import type { Balance, Budget, BudgetHold } from './costs'
import type { PriceEntry, ProviderBilling } from './pricing'

export const JOB_STATUSES = ['queued', 'submitting', 'running', 'downloading', 'done', 'failed', 'canceled', 'needs_attention'] as const
export type JobStatus = (typeof JOB_STATUSES)[number]
// The status sets, said once: the store's SQL, the job runner, the commands, the CLI and the renderer all read
// these (src/main/core/jobs/lifecycle.ts holds the transitions between them).
/** Jobs the app is still working on: the runner owns them until they end. */
export const ACTIVE_STATUSES: readonly JobStatus[] = ['queued', 'submitting', 'running', 'downloading']
export const TERMINAL_STATUSES: readonly JobStatus[] = ['done', 'failed', 'canceled', 'needs_attention']
/** Ended without a result: the user may send these again (Retry). */
export const RETRYABLE_STATUSES: readonly JobStatus[] = ['failed', 'canceled', 'needs_attention']
/** Ended badly, as a batch's outcome counts them. */
export const FAILED_STATUSES: readonly JobStatus[] = ['failed', 'needs_attention']
/** Not yet accepted by the provider: what a run's estimate counts as still to send. */
export const UNSENT_STATUSES: readonly JobStatus[] = ['queued', 'submitting']

export function isActive(status: JobStatus): boolean {
  return ACTIVE_STATUSES.includes(status)
}

export function canRetry(status: JobStatus): boolean {
  return RETRYABLE_STATUSES.includes(status)
}

/** Every kind of row in a job's history. */
export const JOB_EVENT_TYPES = [
  'queued',
  'submit',
  'submitted',
  'status',
  'unknown_status',
  'ready',
  'done',
  'failed',
  'canceled',
  'needs_attention',
  'retry',
  'rate_limited',
  'budget',
  'paused',
  'error'
] as const
export type JobEventType = (typeof JOB_EVENT_TYPES)[number]
/** History rows that count as errors in the status bar's errors of the last hour. */
export const ERROR_EVENT_TYPES: readonly JobEventType[] = ['retry', 'failed', 'needs_attention', 'error']

export interface Job {
  id: number
  batchId: number
  batchName: string
  parentJobId: number | null
  provider: ProviderId
  model: string
  kind: JobKind
  prompt: string
  params: Record<string, unknown>
  status: JobStatus
  /** 0–1 when the provider reports it. */
  progress: number | null
  attempts: number
  polls: number
  providerJobId: string | null
  rawStatus: string | null
  error: string | null
  createdAt: number
  submittedAt: number | null
  finishedAt: number | null
  nextPollAt: number | null
  updatedAt: number
  /** First downloaded file of this job, for a thumbnail in the grid. */
  firstAssetId: number | null
  /** Local files this job starts from (edit, upscale, image-to-video, references). */
  inputs: JobInput[]
  /** When a running job should be ready, from its model's recent durations; null without enough history. */
  etaAt: number | null
  /** Tries in a row that failed for a passing reason (a provider that could not be reached, a 5xx); 0 once one works. */
  failedTries: number
}

/** What a provider's polling settings may be: the contract's validation and the Settings form both read these. */
export const POLLING_LIMITS = {
  /** Requests per second. */
  rate: { min: 0.1, max: 1000 },
  burst: { min: 1, max: 10_000 },
  concurrency: { min: 1, max: 256 },
  /** Seconds; 0 = the model's documented max. */
  maxWaitSeconds: { min: 0, max: 86_400 },
  /** Seconds; 0 = each model's documented interval. */
  latencySeconds: { min: 0, max: 3600 }
} as const

/** A dropped input file travels as base64 (12 MB of bytes), within the headless bridge's 16 MB body cap. */
export const MAX_INPUT_BYTES = 12 * 1024 * 1024

/** A local file a job takes as input: a gallery item (its asset id kept for lineage) or a file on disk. */
export interface JobInput {
  path: string
  assetId?: number
}

export interface JobEvent {
  id: number
  jobId: number
  at: number
  type: JobEventType
  message: string
}

export interface Asset {
  id: number
  jobId: number
  batchId: number
  batchName: string
  prompt: string
  provider: ProviderId
  model: string
  path: string
  mime: string
  size: number
  sha256: string
  width: number | null
  height: number | null
  createdAt: number
  favorite: boolean
  rating: number
  /** The file is no longer where it was saved (deleted or moved on disk). */
  missing: boolean
}

export interface Batch {
  id: number
  name: string
  outputDir: string
  createdAt: number
  jobCount: number
  /** No new submits while paused; jobs already at the provider are still polled and downloaded. */
  paused: boolean
}

export interface ProviderSettings {
  baseUrl: string
  hasKey: boolean
  /** Why the saved key cannot be used (it no longer decrypts, its file is unsafe); never the key. */
  keyProblem: string | null
  /** Set when the provider's queue is paused (bad key, no credits), with the reason to show. */
  pausedReason: string | null
  /** Set while the provider's host gives no answer at all (offline, wrong base URL): which host, since when. */
  unreachable: Unreachable | null
  strategy: PollStrategyName
  /** Request budget for the provider's API: every submit and status request takes one, and so does a download from the API host (not from a delivery host). */
  rate: number
  burst: number
  concurrency: number
  maxWaitSeconds: number
  /** The latency promise of the learned strategy: a finished job is noticed within this many seconds; 0 = each model's documented polling interval. */
  latencySeconds: number
}

export interface Settings {
  outputRoot: string
  defaultProvider: ProviderId
  demo: { durationMs: number; failureRate: number }
  providers: Record<ProviderId, ProviderSettings>
  /** Set when saved keys are not really protected (Linux's plain-text keychain fallback) or cannot be saved. */
  keyWarning: string | null
  /** The desktop app chooses paths with its own dialog (`choosePath`); headless mode takes typed paths. */
  canChoosePaths: boolean
  /** The price table in use (defaults with the user's changes), each row with its source and the date read. */
  prices: PriceEntry[]
  billing: Record<ProviderId, ProviderBilling>
  budgets: Budget[]
  /** Account balances last read from the providers that report one. */
  balances: Partial<Record<ProviderId, Balance>>
}

export type StatusCounts = Record<JobStatus, number>

export interface ProviderActivity {
  provider: ProviderId
  /** Requests sent in the last minute. */
  requestsPerMinute: number
  rateLimitWaits: number
  errorsLastHour: number
  pausedReason: string | null
  unreachable: Unreachable | null
}

export interface Unreachable {
  host: string
  since: number
}

export interface Stats {
  counts: StatusCounts
  providers: ProviderActivity[]
  /** When every active job should be done (each model's typical duration); null when unknown or idle. */
  etaAt: number | null
  /** The same for each batch with active jobs, newest first. */
  batches: { id: number; name: string; etaAt: number | null }[]
  /** Budget caps holding back new submits now, with their reasons. */
  budgetHolds: BudgetHold[]
  balances: Partial<Record<ProviderId, Balance>>
}

export interface ExportProgress {
  exportId: string
  state: 'running' | 'done' | 'canceled' | 'failed'
  done: number
  total: number
  bytes: number
  /** The finished ZIP or folder. */
  path: string | null
  error: string | null
}

export const JOB_SORT_COLUMNS = ['id', 'prompt', 'status', 'provider', 'attempts', 'elapsed'] as const
export type JobSortColumn = (typeof JOB_SORT_COLUMNS)[number]
