// APIXO's models, limits and inputs (docs/providers.md § APIXO has the source of each fact).
import type { ProviderInfo } from './index'

export const apixo: ProviderInfo = {
  id: 'apixo',
  label: 'APIXO',
  protocol: 'apixo',
  envName: 'APIXO',
  defaultBaseUrl: 'https://api.apixo.ai/api/v1',
  models: [
    { id: 'nano-banana', label: 'Nano Banana', kind: 'image', timing: { initial: 5, interval: 3, max: 120 } },
    { id: 'flux-2', label: 'FLUX.2', kind: 'image', timing: { initial: 10, interval: 5, max: 180 } },
    { id: 'sora-2', label: 'Sora 2', kind: 'video', timing: { initial: 60, interval: 15, max: 600 } },
    { id: 'veo-3-1', label: 'Veo 3.1', kind: 'video', timing: { initial: 45, interval: 10, max: 480 } },
    { id: 'suno', label: 'Suno', kind: 'audio', timing: { initial: 30, interval: 10, max: 300 } }
  ],
  kinds: ['image', 'edit', 'video', 'audio'],
  genericTiming: { initial: 10, interval: 5, max: 600 },
  limits: { rate: 5, burst: 10, concurrency: 8 }
}
