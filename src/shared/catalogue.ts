// The providers, their kinds and models, with the timings their docs give. Pure data: the composer reads
// it to offer choices, the poller reads it for the docs' polling strategies and timeouts.

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
  type: 'number' | 'select' | 'text'
  options?: readonly string[]
  min?: number
  max?: number
  default?: string | number
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
}

export interface ProviderInfo {
  id: ProviderId
  label: string
  /** The API this provider speaks; the demo speaks LetzAI's against the built-in simulator. */
  protocol: Exclude<ProviderId, 'demo'>
  envName: string
  defaultBaseUrl: string
  models: readonly ModelInfo[]
}

const sizeParams: readonly ParamSpec[] = [
  { name: 'width', label: 'Width', type: 'number', min: 256, max: 2048, default: 1024 },
  { name: 'height', label: 'Height', type: 'number', min: 256, max: 2048, default: 1024 }
]

const letzaiModels: readonly ModelInfo[] = [
  { id: 'images', label: 'Image', kind: 'image', timing: { initial: 3, interval: 3, max: 300 }, params: [...sizeParams, { name: 'quality', label: 'Quality', type: 'number', min: 1, max: 5, default: 2 }] },
  { id: 'videos', label: 'Video', kind: 'video', timing: { initial: 3, interval: 3, max: 600 } },
  { id: 'image-edits', label: 'Image edit', kind: 'edit', timing: { initial: 3, interval: 3, max: 300 }, params: [{ name: 'mode', label: 'Mode', type: 'select', options: ['context', 'in', 'out'], default: 'context' }] },
  { id: 'upscales', label: 'Upscale', kind: 'upscale', timing: { initial: 3, interval: 3, max: 300 }, params: [{ name: 'strength', label: 'Strength', type: 'number', min: 1, max: 3, default: 1 }] }
]

export const PROVIDERS: readonly ProviderInfo[] = [
  { id: 'demo', label: 'Demo (offline simulator)', protocol: 'letzai', envName: 'DEMO', defaultBaseUrl: '', models: letzaiModels },
  { id: 'letzai', label: 'LetzAI', protocol: 'letzai', envName: 'LETZAI', defaultBaseUrl: 'https://api.letz.ai', models: letzaiModels },
  {
    id: 'bfl', label: 'BFL (FLUX)', protocol: 'bfl', envName: 'BFL', defaultBaseUrl: 'https://api.bfl.ai',
    models: [
      { id: 'flux-2-pro', label: 'FLUX.2 [pro]', kind: 'image', timing: { initial: 0.5, interval: 2, max: 300 }, params: [...sizeParams, { name: 'output_format', label: 'Format', type: 'select', options: ['jpeg', 'png'], default: 'png' }] },
      { id: 'flux-kontext-pro', label: 'FLUX.1 Kontext [pro]', kind: 'image', timing: { initial: 0.5, interval: 2, max: 300 }, params: sizeParams }
    ]
  },
  {
    id: 'wondercat', label: 'Wondercat', protocol: 'wondercat', envName: 'WONDERCAT', defaultBaseUrl: 'https://api.wondercat.ai/api/v1',
    models: [
      { id: 'wc-image', label: 'Image', kind: 'image', timing: { initial: 1, interval: 5, max: 300 } },
      { id: 'wc-video', label: 'Video', kind: 'video', timing: { initial: 1, interval: 5, max: 900 } },
      { id: 'trim', label: 'Trim video', kind: 'trim', timing: { initial: 1, interval: 5, max: 300 } }
    ]
  },
  {
    id: 'apixo', label: 'APIXO', protocol: 'apixo', envName: 'APIXO', defaultBaseUrl: 'https://api.apixo.ai/api/v1',
    models: [
      { id: 'nano-banana', label: 'Nano Banana', kind: 'image', timing: { initial: 5, interval: 3, max: 120 } },
      { id: 'flux-2', label: 'FLUX.2', kind: 'image', timing: { initial: 10, interval: 5, max: 180 } },
      { id: 'sora-2', label: 'Sora 2', kind: 'video', timing: { initial: 60, interval: 15, max: 600 } },
      { id: 'veo-3-1', label: 'Veo 3.1', kind: 'video', timing: { initial: 45, interval: 10, max: 480 } },
      { id: 'suno', label: 'Suno', kind: 'audio', timing: { initial: 30, interval: 10, max: 300 } }
    ]
  },
  {
    id: 'umrgen', label: 'UMRGEN', protocol: 'umrgen', envName: 'UMRGEN', defaultBaseUrl: 'https://umrgen.share.zrok.io',
    models: [{ id: 'default', label: 'UMRGEN', kind: 'image', timing: { initial: 3, interval: 2, max: 300 }, params: [...sizeParams, { name: 'steps', label: 'Steps', type: 'number', min: 1, max: 100, default: 30 }] }]
  }
]

export function providerInfo(id: ProviderId): ProviderInfo {
  const info = PROVIDERS.find((p) => p.id === id)
  if (!info) throw new Error(`unknown provider ${id}`)
  return info
}

export function modelInfo(provider: ProviderId, model: string): ModelInfo | undefined {
  return providerInfo(provider).models.find((m) => m.id === model)
}
