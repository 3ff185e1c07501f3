// Wondercat's (the service Wonda) models, limits and inputs (docs/providers.md § Wondercat has the source of each fact).
import type { ProviderInfo } from './index'

export const wondercat: ProviderInfo = {
  id: 'wondercat',
  label: 'Wondercat',
  protocol: 'wondercat',
  envName: 'WONDERCAT',
  defaultBaseUrl: 'https://api.wondercat.ai/api/v1',
  models: [
    { id: 'wc-image', label: 'Image', kind: 'image', timing: { initial: 1, interval: 5, max: 300 } },
    { id: 'wc-video', label: 'Video', kind: 'video', timing: { initial: 1, interval: 5, max: 900 } },
    { id: 'trim', label: 'Trim video', kind: 'trim', timing: { initial: 1, interval: 5, max: 300 } }
  ],
  kinds: ['image', 'video'],
  genericTiming: { initial: 1, interval: 5, max: 900 },
  limits: { rate: 5, burst: 10, concurrency: 8 }
}
