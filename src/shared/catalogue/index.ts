// The providers, their kinds and models, with the timings their docs give. Pure data: the composer reads
// it to offer choices, the poller reads it for the docs' polling strategies and timeouts. This file holds the
// types and the lookups; each provider's own file beside it holds that provider's data.
import { apixo } from './apixo'
import { bfl } from './bfl'
import { demo, letzai } from './letzai'
import { umrgen } from './umrgen'
import { wondercat } from './wondercat'

export const PROVIDER_IDS = ['demo', 'letzai', 'bfl', 'wondercat', 'apixo', 'umrgen'] as const
export type ProviderId = (typeof PROVIDER_IDS)[number]

export const JOB_KINDS = ['image', 'video', 'edit', 'upscale', 'audio', 'trim'] as const
export type JobKind = (typeof JOB_KINDS)[number]

/** Polling strategies a user can pick per provider: ours (learned), the provider's documented recipe, or a generic one. */
export const POLL_STRATEGIES = ['learned', 'docs', 'fixed', 'exponential', 'adaptive', 'per-status'] as const
export type PollStrategyName = (typeof POLL_STRATEGIES)[number]

export interface ParamSpec {
  name: string
  label: string
  type: 'number' | 'select' | 'text' | 'boolean'
  /** One line shown under the field (e.g. the API's own default when it is surprising). */
  hint?: string
  options?: readonly string[]
  min?: number
  max?: number
  default?: string | number | boolean
}

/** The input files a model takes (edit, upscale, image-to-video, references): none when absent. */
export interface ModelInput {
  media: 'image' | 'video' | 'audio'
  /** At least this many (1 for an upscale; 0 when the input is optional, e.g. references). */
  min: number
  max: number
  /** The provider's own size cap per file, where it documents one. */
  maxBytes?: number
  /** MIME types the provider accepts, where it documents them. */
  accept?: readonly string[]
}

/** Request limits per key, as the provider documents them (or as a polite guess, marked in its file). */
export interface ProviderLimitsInfo {
  /** Requests per second to the API, and the burst allowed. */
  rate: number
  burst: number
  /** Requests in flight at once. */
  concurrency: number
  /** Jobs this key may have at the provider at once (BFL: 24 active tasks; UMRGEN: one); absent = no cap known. */
  maxActive?: number
}

/** Timing from the provider's guide, in seconds: when to poll first, how often, and when to give up. */
export interface ModelTiming {
  initial: number
  interval: number
  max: number
}

export interface ModelInfo {
  id: string
  label: string
  kind: JobKind
  timing: ModelTiming
  params?: readonly ParamSpec[]
  input?: ModelInput
}

export interface ProviderInfo {
  id: ProviderId
  label: string
  /** The API this provider speaks; the demo speaks LetzAI's against the built-in simulator. */
  protocol: Exclude<ProviderId, 'demo'>
  envName: string
  defaultBaseUrl: string
  /** Suggestions, not a closed list: any model id the provider accepts can be queued. */
  models: readonly ModelInfo[]
  /** What a model id not in the list may make, and the fields it gets (beside a free JSON params box). */
  kinds: readonly JobKind[]
  genericParams?: readonly ParamSpec[]
  /** Timing for a model not in the list. */
  genericTiming: ModelTiming
  limits: ProviderLimitsInfo
  /** Where the provider lists its models, for a user looking for an id. */
  modelsUrl?: string
  /** Takes input pictures only as public URLs (no upload, no base64): a file on disk cannot be its input. */
  urlInputsOnly?: boolean
  /** Served by the built-in simulator on loopback, with a key made for each run (the Demo): no key to enter. */
  simulated?: true
}

/** Every provider, the Demo first (the default). Each provider's own file holds its models and limits, with the sources they come from. */
export const PROVIDERS: readonly ProviderInfo[] = [demo, letzai, bfl, wondercat, apixo, umrgen]

export function providerInfo(id: ProviderId): ProviderInfo {
  const info = PROVIDERS.find((p) => p.id === id)
  if (!info) throw new Error(`unknown provider ${id}`)
  return info
}

export function modelInfo(provider: ProviderId, model: string): ModelInfo | undefined {
  return providerInfo(provider).models.find((m) => m.id === model)
}
