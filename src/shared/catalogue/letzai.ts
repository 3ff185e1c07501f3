// LetzAI's models, limits and inputs (docs/providers.md § LetzAI has the source of each fact). The Demo
// provider speaks LetzAI's protocol against the built-in simulator, so it offers the same models.
import type { ModelInfo, ParamSpec, ProviderInfo } from './index'

const sizeParams: readonly ParamSpec[] = [
  { name: 'width', label: 'Width', type: 'number', min: 256, max: 2048, default: 1024 },
  { name: 'height', label: 'Height', type: 'number', min: 256, max: 2048, default: 1024 }
]

const models: readonly ModelInfo[] = [
  { id: 'images', label: 'Image', kind: 'image', timing: { initial: 3, interval: 3, max: 300 }, params: [...sizeParams, { name: 'quality', label: 'Quality', type: 'number', min: 1, max: 5, default: 2 }] },
  { id: 'videos', label: 'Video', kind: 'video', timing: { initial: 3, interval: 3, max: 600 } },
  { id: 'image-edits', label: 'Image edit', kind: 'edit', timing: { initial: 3, interval: 3, max: 300 }, params: [{ name: 'mode', label: 'Mode', type: 'select', options: ['context', 'in', 'out'], default: 'context' }] },
  { id: 'upscales', label: 'Upscale', kind: 'upscale', timing: { initial: 3, interval: 3, max: 300 }, params: [{ name: 'strength', label: 'Strength', type: 'number', min: 1, max: 3, default: 1 }] }
]

const common = {
  protocol: 'letzai',
  models,
  kinds: ['image', 'video', 'edit', 'upscale'],
  genericParams: sizeParams,
  genericTiming: { initial: 3, interval: 3, max: 600 }
} as const

export const letzai: ProviderInfo = { ...common, id: 'letzai', label: 'LetzAI', envName: 'LETZAI', defaultBaseUrl: 'https://api.letz.ai', limits: { rate: 5, burst: 10, concurrency: 8 } }

export const demo: ProviderInfo = { ...common, id: 'demo', label: 'Demo (offline simulator)', envName: 'DEMO', defaultBaseUrl: '', limits: { rate: 50, burst: 100, concurrency: 32 } }
