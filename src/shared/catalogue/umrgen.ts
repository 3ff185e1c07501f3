// UMRGEN's model, limits and inputs, read from umrvntr/umrgen server.mjs (commit 34e5a39); docs/providers.md § UMRGEN
// cites the lines. The external API has no model field: the server always runs its FLUX.2 [klein] 9B workflow.
import type { ModelTiming, ParamSpec, ProviderInfo } from './index'

const sizeParams: readonly ParamSpec[] = [
  { name: 'width', label: 'Width', type: 'number', min: 512, max: 2048, default: 1024, hint: 'The server clamps to 512–2048' },
  { name: 'height', label: 'Height', type: 'number', min: 512, max: 2048, default: 1024, hint: 'The server clamps to 512–2048' }
]

const params: readonly ParamSpec[] = [
  ...sizeParams,
  { name: 'steps', label: 'Steps', type: 'number', min: 1, max: 13, default: 4, hint: 'The server clamps to 1–13; 4 is its default' },
  { name: 'seed', label: 'Seed', type: 'number', min: 0, hint: 'Empty, 0 or -1: random' },
  { name: 'negative', label: 'Negative prompt', type: 'text', hint: 'The server uses "bad quality, blurry" when empty' },
  { name: 'loras', label: 'LoRAs', type: 'text', hint: 'name.safetensors:0.8, … or a JSON list; names the server does not have are skipped silently' }
]

// The guide polls queued jobs every 3 s and running ones every 2 s; the server fails a job ComfyUI has not
// finished in 600 s, and a job may wait behind the web UI's queue first (max is a GUESS: 600 s + the queue).
const timing: ModelTiming = { initial: 3, interval: 2, max: 1800 }

export const umrgen: ProviderInfo = {
  id: 'umrgen',
  label: 'UMRGEN',
  protocol: 'umrgen',
  envName: 'UMRGEN',
  defaultBaseUrl: 'https://umrgen.share.zrok.io',
  models: [
    {
      id: 'default',
      label: 'FLUX.2 [klein] 9B (the server’s one workflow)',
      kind: 'image',
      timing,
      params,
      // Optional reference images, uploaded through /api/v1/upload-reference (10 MB each, 10 at most).
      input: { media: 'image', min: 0, max: 10, maxBytes: 10 * 1024 * 1024, accept: ['image/png', 'image/jpeg', 'image/webp'] }
    }
  ],
  kinds: ['image'],
  genericParams: params,
  genericTiming: timing,
  // 60 requests a minute per IP on /api/* in fixed windows: at most 3 + 0.9 × 60 = 57 in any window.
  // One external job at a time for the whole server (429 CONCURRENT_LIMIT otherwise).
  limits: { rate: 0.9, burst: 3, concurrency: 2, maxActive: 1 }
}
