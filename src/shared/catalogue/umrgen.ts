// UMRGEN's model, limits and inputs (docs/providers.md § UMRGEN has the source of each fact).
import type { ParamSpec, ProviderInfo } from './index'

const sizeParams: readonly ParamSpec[] = [
  { name: 'width', label: 'Width', type: 'number', min: 256, max: 2048, default: 1024 },
  { name: 'height', label: 'Height', type: 'number', min: 256, max: 2048, default: 1024 }
]

export const umrgen: ProviderInfo = {
  id: 'umrgen',
  label: 'UMRGEN',
  protocol: 'umrgen',
  envName: 'UMRGEN',
  defaultBaseUrl: 'https://umrgen.share.zrok.io',
  models: [{ id: 'default', label: 'UMRGEN', kind: 'image', timing: { initial: 3, interval: 2, max: 300 }, params: [...sizeParams, { name: 'steps', label: 'Steps', type: 'number', min: 1, max: 100, default: 30 }] }],
  kinds: ['image'],
  genericParams: sizeParams,
  genericTiming: { initial: 3, interval: 2, max: 300 },
  limits: { rate: 5, burst: 10, concurrency: 8 }
}
