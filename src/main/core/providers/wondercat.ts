// Wondercat (../shared/providers/README.md, seed 002): three job types polled at /jobs/{type}/{id}
// (inference from /image/generate and /video/generate, editor from /video/edit, publish), seven statuses,
// results in `outputs[].media` (outputs without media are skipped; succeeded without any = failed "no
// output"), cancel at /jobs/{type}/{id}/cancel, uploads at /media/upload. Chaining: a 'trim' job takes its
// parent's output mediaIds (input.inputMedia) and posts /video/edit.
import { ProviderError, ProviderHttp, expectObject, expectString } from './http'
import type { AdapterConfig, CommonStatus, PollResult, ProviderAdapter, ProviderRef, ResultFile, SubmitInput } from './types'

const LABEL = 'Wondercat'

export type WondercatJobType = 'inference' | 'editor' | 'publish'

const STATUSES: Record<string, CommonStatus> = {
  idle: 'queued',
  locked: 'queued',
  queued: 'queued',
  in_progress: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  canceled: 'canceled'
}

export interface WondercatMedia {
  mediaId: string
  url: string
}

export interface WondercatAdapter extends ProviderAdapter {
  cancel(ref: ProviderRef): Promise<void>
  /** Uploads a file (multipart field `file`) to use as an input: its mediaId goes in `inputMedia`. */
  upload(file: Blob, fileName: string): Promise<WondercatMedia>
}

function progressOf(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null
  return Math.min(1, Math.max(0, value > 1 ? value / 100 : value))
}

/** Every present `outputs[].media` with a URL; outputs without media (logs, previews) are skipped. */
function mediaFiles(outputs: unknown): ResultFile[] {
  if (!Array.isArray(outputs)) return []
  const files: ResultFile[] = []
  for (const output of outputs) {
    const media = output && typeof output === 'object' ? (output as Record<string, unknown>).media : undefined
    if (!media || typeof media !== 'object') continue
    const { url, mediaId, mimeType } = media as Record<string, unknown>
    if (typeof url !== 'string' || !url) continue
    files.push({ url, ...(typeof mediaId === 'string' && mediaId ? { mediaId } : {}), ...(typeof mimeType === 'string' && mimeType ? { mime: mimeType } : {}) })
  }
  return files
}

function num(value: unknown, fallback: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) ? n : fallback
}

export function createWondercatAdapter(config: AdapterConfig): WondercatAdapter {
  const http = new ProviderHttp({
    ...config,
    label: LABEL,
    authHeaders: (key) => ({ Authorization: `Bearer ${key}` })
  })

  async function submitTrim(input: SubmitInput): Promise<ProviderRef> {
    const { trimStartMs, trimEndMs, mediaIds: paramIds, ...rest } = input.params
    const mediaIds = (input.inputMedia ?? []).map((m) => m.mediaId).filter((m): m is string => typeof m === 'string' && m.length > 0)
    if (mediaIds.length === 0 && typeof paramIds === 'string' && paramIds) mediaIds.push(...paramIds.split(',').map((s) => s.trim()).filter(Boolean))
    if (mediaIds.length === 0) throw new ProviderError('rejected', `${LABEL} trim needs a video to trim: chain it after a Wondercat video job (its output mediaId)`)
    const start = num(trimStartMs, 0)
    const end = num(trimEndMs, start + 5000)
    const res = expectObject(await http.request('/video/edit', { json: { operation: 'trim', mediaIds, params: { ...rest, trimStartMs: start, trimEndMs: end } } }), LABEL)
    return { id: expectString(res, 'editorJobId', LABEL), type: 'editor' }
  }

  return {
    id: 'wondercat',
    async submit(input: SubmitInput): Promise<ProviderRef> {
      if (input.kind === 'trim') return submitTrim(input)
      if (input.kind !== 'image' && input.kind !== 'video') throw new ProviderError('rejected', `${LABEL} cannot make "${input.kind}" jobs`)
      const inputMediaIds = (input.inputMedia ?? []).map((m) => m.mediaId).filter((m): m is string => typeof m === 'string' && m.length > 0)
      const body = {
        model: input.model,
        prompt: input.prompt,
        ...(Object.keys(input.params).length ? { params: input.params } : {}),
        ...(inputMediaIds.length ? { inputMediaIds } : {})
      }
      const res = expectObject(await http.request(`/${input.kind}/generate`, { json: body }), LABEL)
      return { id: expectString(res, 'inferenceJobId', LABEL), type: 'inference' }
    },

    async poll(ref: ProviderRef): Promise<PollResult> {
      const type = (ref.type ?? 'inference') as WondercatJobType
      const res = expectObject(await http.request(`/jobs/${type}/${encodeURIComponent(ref.id)}`), LABEL)
      const rawStatus = expectString(res, 'status', LABEL)
      const status = STATUSES[rawStatus]
      if (status === 'succeeded') {
        const files = mediaFiles(res.outputs)
        if (files.length === 0) return { status: 'failed', rawStatus, known: true, error: `${LABEL} job succeeded with no output (no outputs[].media)`, retryable: true }
        return { status, rawStatus, known: true, progress: 1, files }
      }
      if (status === 'failed') {
        return { status, rawStatus, known: true, error: typeof res.errorMessage === 'string' && res.errorMessage ? res.errorMessage : `${LABEL} reported the ${type} job failed`, retryable: true }
      }
      if (status === 'canceled') return { status, rawStatus, known: true }
      return { status: status ?? 'running', rawStatus, known: status !== undefined, progress: progressOf(res.progress) }
    },

    async cancel(ref: ProviderRef): Promise<void> {
      const type = (ref.type ?? 'inference') as WondercatJobType
      if (type === 'publish') throw new ProviderError('rejected', `${LABEL} publish jobs cannot be canceled`)
      await http.request(`/jobs/${type}/${encodeURIComponent(ref.id)}/cancel`, { method: 'POST' })
    },

    async testConnection(): Promise<string> {
      // Asking for a job that does not exist: 404 means the key was accepted; 401 throws.
      try {
        await http.request('/jobs/inference/batch-studio-connection-test')
        return 'Connected'
      } catch (err) {
        if (err instanceof ProviderError && err.kind === 'not_found') return 'Connected: the key was accepted'
        throw err
      }
    },

    async upload(file: Blob, fileName: string): Promise<WondercatMedia> {
      const form = new FormData()
      form.append('file', file, fileName)
      const res = expectObject(await http.request('/media/upload', { form }), LABEL)
      return { mediaId: expectString(res, 'mediaId', LABEL), url: expectString(res, 'url', LABEL) }
    }
  }
}
