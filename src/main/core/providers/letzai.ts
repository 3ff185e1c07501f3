// LetzAI (../shared/providers/README.md, seed 000): four endpoints, `generating`/`in progress` as running,
// progress 0–100, results in imageVersions/videoVersions (download `original` when present).
import type { JobKind } from '../../../shared/catalogue'
import { ProviderError, ProviderHttp, expectObject, expectString } from './http'
import type { AdapterConfig, CommonStatus, PollResult, ProviderAdapter, ProviderRef, ResultFile, SubmitInput } from './types'

const ENDPOINTS: Partial<Record<JobKind, string>> = { image: 'images', video: 'videos', edit: 'image-edits', upscale: 'upscales' }

const STATUSES: Record<string, CommonStatus> = {
  new: 'queued',
  'in progress': 'running',
  generating: 'running',
  ready: 'succeeded',
  failed: 'failed'
}

function versionUrls(versions: unknown): ResultFile[] {
  if (!versions || typeof versions !== 'object') return []
  const map = versions as Record<string, unknown>
  if (typeof map.original === 'string') return [{ url: map.original }]
  return Object.values(map).filter((v): v is string => typeof v === 'string').map((url) => ({ url }))
}

export function createLetzaiAdapter(config: AdapterConfig, id: 'letzai' | 'demo' = 'letzai'): ProviderAdapter {
  const label = id === 'demo' ? 'Demo' : 'LetzAI'
  const http = new ProviderHttp({
    ...config,
    label,
    authHeaders: (key) => ({ Authorization: `Bearer ${key}` }),
    defaultRetryAfterMs: 30_000
  })

  return {
    id,
    async submit(input: SubmitInput): Promise<ProviderRef> {
      const endpoint = ENDPOINTS[input.kind]
      if (!endpoint) throw new ProviderError('rejected', `${label} cannot make "${input.kind}" jobs`)
      const imageUrl = input.inputMedia?.[0]?.url ?? input.params.imageUrl
      const body =
        input.kind === 'upscale'
          ? { imageUrl, strength: input.params.strength }
          : { ...input.params, prompt: input.prompt, ...(input.kind === 'edit' ? { imageUrl, mode: input.params.mode ?? 'context' } : {}) }
      const res = expectObject(await http.request(`/${endpoint}`, { json: body }), label)
      return { id: expectString(res, 'id', label), endpoint }
    },

    async poll(ref: ProviderRef): Promise<PollResult> {
      const res = expectObject(await http.request(`/${ref.endpoint}/${encodeURIComponent(ref.id)}`), label)
      const rawStatus = expectString(res, 'status', label)
      const status = STATUSES[rawStatus]
      const progress = typeof res.progress === 'number' ? Math.min(1, Math.max(0, res.progress / 100)) : null
      if (status === 'succeeded') {
        const files = versionUrls(ref.endpoint === 'videos' ? res.videoVersions : res.imageVersions)
        if (files.length === 0) return { status: 'failed', rawStatus, known: true, error: `${label} reported ready without any result URL`, retryable: true }
        return { status, rawStatus, known: true, progress: 1, files }
      }
      if (status === 'failed') {
        return { status, rawStatus, known: true, error: typeof res.error === 'string' && res.error ? res.error : `${label} reported the job failed`, retryable: true }
      }
      return { status: status ?? 'running', rawStatus, known: status !== undefined, progress, nextPollMs: 3000 }
    },

    async testConnection(): Promise<string> {
      try {
        await http.request('/images/batch-studio-connection-test')
        return 'Connected'
      } catch (err) {
        if (err instanceof ProviderError && err.kind === 'not_found') return 'Connected: the key was accepted'
        throw err
      }
    }
  }
}
