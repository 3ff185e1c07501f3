// BFL's (FLUX) models, limits and inputs (docs/providers.md § BFL has the source of each fact).
import type { ParamSpec, ProviderInfo } from './index'

const sizeParams: readonly ParamSpec[] = [
  { name: 'width', label: 'Width', type: 'number', min: 256, max: 2048, default: 1024 },
  { name: 'height', label: 'Height', type: 'number', min: 256, max: 2048, default: 1024 }
]

export const bfl: ProviderInfo = {
  id: 'bfl',
  label: 'BFL (FLUX)',
  protocol: 'bfl',
  envName: 'BFL',
  defaultBaseUrl: 'https://api.bfl.ai',
  models: [
    { id: 'flux-2-pro', label: 'FLUX.2 [pro]', kind: 'image', timing: { initial: 0.5, interval: 2, max: 300 }, params: [...sizeParams, { name: 'output_format', label: 'Format', type: 'select', options: ['jpeg', 'png'], default: 'png' }] },
    { id: 'flux-kontext-pro', label: 'FLUX.1 Kontext [pro]', kind: 'image', timing: { initial: 0.5, interval: 2, max: 300 }, params: sizeParams }
  ],
  kinds: ['image', 'edit'],
  genericParams: sizeParams,
  genericTiming: { initial: 0.5, interval: 2, max: 300 },
  limits: { rate: 5, burst: 10, concurrency: 8, maxActive: 24 }
}
