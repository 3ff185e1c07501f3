// LetzAI (docs/providers.md § LetzAI (and the Demo) has the source of every fact used here). One endpoint per kind of job:
// POST /images, /videos, /image-edits, /upscale (singular: /upscales is the web app's private route and 404s
// on the public API), each polled at GET /<endpoint>/<id>. The model is a field of the body (`baseModel` on
// images and edits, `settings.mode` on videos, `mode` on upscales), so a model id the catalogue does not know
// is sent there. Input pictures are public URLs only: a local file goes up through POST /user-assets (a
// pre-signed upload URL, PUT without our key) and the job gets the asset's `imageUrl`.
import type { JobKind } from '../../../shared/catalogue'
import { ProviderError, ProviderHttp, expectObject, expectString, type ErrorReading } from './http'
import { checkInput, inputBlob, type InputRules } from './inputs'
import type { AdapterConfig, CommonStatus, InputFile, PollResult, ProviderAdapter, ProviderRef, ResultFile, SubmitInput } from './types'

type Endpoint = 'images' | 'videos' | 'image-edits' | 'upscale'

/** The catalogue's ids (this app's names) and the endpoint each one is. */
const CATALOGUE: Record<string, Endpoint> = { images: 'images', videos: 'videos', 'image-edits': 'image-edits', upscales: 'upscale' }
const BY_KIND: Partial<Record<JobKind, Endpoint>> = { image: 'images', video: 'videos', edit: 'image-edits', upscale: 'upscale' }
/** Refs stored before the endpoint was corrected still poll the right path. */
const LEGACY_ENDPOINTS: Record<string, Endpoint> = { upscales: 'upscale' }

const STATUSES: Record<string, CommonStatus> = {
  new: 'queued',
  // Older docs and the seed say "in progress"; the current skill says only "generating" is sent. Both run.
  'in progress': 'running',
  generating: 'running',
  ready: 'succeeded',
  // Videos and edits: "saved" is a finished job too (current letzai-skill polling guide).
  saved: 'succeeded',
  failed: 'failed',
  not_allowed: 'failed',
  interrupted: 'canceled'
}

const IMAGE_RULES = (label: string): InputRules => ({
  label,
  accept: ['image/png', 'image/jpeg', 'image/webp', 'image/gif'],
  // LetzAI documents no size cap for uploads: this is the app's own sanity cap, not LetzAI's.
  maxBytes: 100 * 1024 * 1024
})

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif' }

/** Params the composer sends as text that LetzAI validates as numbers. */
const NUMERIC = new Set(['width', 'height', 'quality', 'creativity', 'systemVersion', 'strength', 'size', 'duration', 'imageCompletionsCount'])

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value
  if (value === 'true' || value === 1 || value === '1') return true
  if (value === 'false' || value === 0 || value === '0') return false
  return undefined
}

/** The params as LetzAI wants them: empty selects dropped, numbers as numbers, `settings` as an object. */
function cleanParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(params)) {
    if (value === '' || value === undefined || value === null) continue
    if (NUMERIC.has(name) && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) out[name] = Number(value)
    else if (name === 'settings' && typeof value === 'string') {
      try {
        out[name] = JSON.parse(value)
      } catch {
        out[name] = value // LetzAI says what is wrong with it
      }
    } else out[name] = value
  }
  return out
}

/** `imageVersions.original` when present (the full picture), else every version given. */
function versionUrls(versions: unknown): ResultFile[] {
  const map = record(versions)
  if (!map) return []
  if (typeof map.original === 'string' && map.original) return [{ url: map.original }]
  return Object.values(map)
    .filter((v): v is string => typeof v === 'string' && v.length > 0)
    .slice(0, 1)
    .map((url) => ({ url }))
}

/** A video's file: `videoVersions.original` (current skill), else `videoPaths` (its mp4 first; older skill). */
function videoUrls(res: Record<string, unknown>): ResultFile[] {
  const versions = res.videoVersions
  const fromVersions = versionUrls(versions)
  if (fromVersions.length) return fromVersions.map((f) => ({ ...f, mime: 'video/mp4' }))
  if (Array.isArray(versions)) {
    const first = versions.map((v) => (typeof v === 'string' ? v : record(v)?.url)).find((v): v is string => typeof v === 'string' && v.length > 0)
    if (first) return [{ url: first }]
  }
  const paths = record(res.videoPaths)
  if (!paths) return []
  const url = typeof paths.mp4 === 'string' && paths.mp4 ? paths.mp4 : Object.values(paths).find((v): v is string => typeof v === 'string' && v.length > 0)
  return url ? [{ url }] : []
}

function resultFiles(endpoint: Endpoint, res: Record<string, unknown>): ResultFile[] {
  if (endpoint === 'videos') return videoUrls(res)
  if (endpoint === 'image-edits') {
    const generated = record(res.generatedImageCompletion)
    const files = versionUrls(generated?.imageVersions)
    if (files.length) return files.map((f) => ({ ...f, ...(typeof generated?.id === 'string' ? { mediaId: generated.id } : {}) }))
    return versionUrls(res.imageVersions)
  }
  return versionUrls(res.imageVersions).map((f) => ({ ...f, ...(typeof res.id === 'string' ? { mediaId: res.id } : {}) }))
}

/** The provider's own words for a failure: `statusDetail` (current skill), `progressMessage` (LetzAI's ComfyUI node), `error` (seed). */
function failureText(res: Record<string, unknown>): string | undefined {
  const generated = record(res.generatedImageCompletion)
  for (const v of [res.statusDetail, res.progressMessage, res.error, generated?.statusDetail, generated?.progressMessage]) {
    if (typeof v === 'string' && v.trim()) return v.trim()
  }
  return undefined
}

function progressOf(res: Record<string, unknown>): number | null {
  const raw = typeof res.progress === 'number' ? res.progress : record(res.generatedImageCompletion)?.progress
  return typeof raw === 'number' && Number.isFinite(raw) ? Math.min(1, Math.max(0, raw / 100)) : null
}

/**
 * LetzAI's API is a NestJS app (Swagger at /doc, /doc-json, /doc-yaml): errors carry `message` (a string, or a list
 * of validation messages) and `error`; older docs show `{error, code}`. Either way, its words, not the JSON.
 */
function describe(status: number, body: unknown): ErrorReading | undefined {
  const b = record(body)
  if (!b) return status === 403 ? { kind: 'auth', message: 'access denied: check the subscription' } : undefined
  const message = Array.isArray(b.message)
    ? b.message.filter((m) => typeof m === 'string').join('; ')
    : typeof b.message === 'string' && b.message
      ? b.message
      : typeof b.error === 'string' && b.error
        ? b.error
        : undefined
  const code = typeof b.code === 'string' ? b.code : undefined
  const said = message && code && !message.includes(code) ? `${message} (${code})` : message
  // 403: the key is known but has no API access (LetzAI's ComfyUI node: "check your subscription"): the queue pauses.
  if (status === 403) return { kind: 'auth', message: said ?? 'access denied: check the subscription' }
  return said ? { message: said } : undefined
}

export function createLetzaiAdapter(config: AdapterConfig, id: 'letzai' | 'demo' = 'letzai'): ProviderAdapter {
  const label = id === 'demo' ? 'Demo' : 'LetzAI'
  const http = new ProviderHttp({
    ...config,
    label,
    authHeaders: (key) => ({ Authorization: `Bearer ${key}` }),
    defaultRetryAfterMs: 30_000,
    describeError: (status, body) => describe(status, body)
  })
  const rules = IMAGE_RULES(label)

  /** POST /user-assets: an asset with its pre-signed upload URL. No job exists yet, so a lost answer may be asked for again. */
  async function createAsset(file: InputFile): Promise<Record<string, unknown>> {
    const body = { extension: EXTENSIONS[file.mime], mimeType: file.mime, fileSize: file.size, originalFilename: file.name }
    try {
      return expectObject(await http.request('/user-assets', { json: body }), label)
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err
      if (err.kind === 'unknown_outcome' || err.kind === 'malformed') throw new ProviderError('transient', `${err.message}; will try again`, err.details)
      if (err.kind === 'rejected') throw new ProviderError('rejected', `${label} refused the upload of ${file.name}: ${err.message}`, err.details)
      throw err
    }
  }

  /** POST /user-assets, then PUT the bytes to its pre-signed URL (without our key); the asset's public URL. */
  async function upload(file: InputFile): Promise<string> {
    checkInput(file, rules)
    const asset = await createAsset(file)
    const uploadUrl = asset.uploadUrl
    const imageUrl = asset.imageUrl
    if (typeof uploadUrl !== 'string' || typeof imageUrl !== 'string' || !uploadUrl || !imageUrl)
      throw new ProviderError('transient', `${label} POST /user-assets answered without uploadUrl / imageUrl`)
    let res: Response
    try {
      res = await fetch(uploadUrl, {
        method: 'PUT',
        headers: { 'Content-Type': file.mime },
        body: await inputBlob(file, rules),
        redirect: 'error',
        signal: AbortSignal.timeout(Math.max(config.timeoutMs ?? 30_000, 120_000))
      })
    } catch (err) {
      throw new ProviderError('transient', `Uploading ${file.name} to ${label}'s storage failed (${(err as Error).message}); will try again`)
    }
    if (!res.ok) {
      const text = http.redact(await res.text().catch(() => ''))
      const said = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? text.slice(0, 200)
      // S3's 403 is an expired or bad signature: a fresh asset (the whole submit again) can succeed.
      throw new ProviderError(
        res.status >= 500 || res.status === 403 ? 'transient' : 'rejected',
        `${label}'s storage refused the upload of ${file.name} (${res.status})${said ? `: ${said}` : ''}`,
        { httpStatus: res.status, body: text.slice(0, 500) }
      )
    }
    await res.body?.cancel()
    return imageUrl
  }

  /** The pictures a job starts from, as LetzAI takes them: public URLs (uploaded first when local) or LetzAI ids. */
  async function sources(input: SubmitInput): Promise<{ urls: string[]; ids: string[] }> {
    if (input.inputFiles?.length) {
      const urls: string[] = []
      for (const file of input.inputFiles) urls.push(await upload(file))
      return { urls, ids: [] }
    }
    const media = input.inputMedia ?? []
    const urls = media.map((m) => m.url).filter((u): u is string => typeof u === 'string' && u.length > 0)
    if (urls.length) return { urls, ids: [] }
    const ids = media.map((m) => m.mediaId).filter((u): u is string => typeof u === 'string' && u.length > 0)
    return { urls: [], ids }
  }

  return {
    id,
    async submit(input: SubmitInput): Promise<ProviderRef> {
      const known = CATALOGUE[input.model]
      const endpoint = known ?? BY_KIND[input.kind]
      if (!endpoint) throw new ProviderError('rejected', `${label} cannot make "${input.kind}" jobs`)
      // A model id this app does not list is LetzAI's own model name: it goes where that endpoint takes one.
      const typedModel = known ? undefined : input.model
      const params = cleanParams(input.params)
      const watermark = asBoolean(params.hasWatermark)
      delete params.hasWatermark
      const settings = { ...(record(params.settings) ?? {}) }
      delete params.settings
      let body: Record<string, unknown>

      if (endpoint === 'images') {
        if (input.inputFiles?.length)
          throw new ProviderError('rejected', `${label} image generation takes no input picture; use an image edit to start from one`)
        // hasWatermark is always sent: LetzAI's own default is true.
        body = { ...params, ...(typedModel ? { baseModel: typedModel } : {}), prompt: input.prompt, hasWatermark: watermark ?? false }
      } else {
        const { urls, ids } = await sources(input)
        const imageUrl = urls[0] ?? (typeof params.imageUrl === 'string' ? params.imageUrl : undefined)
        delete params.imageUrl
        if (endpoint === 'videos') {
          const { videoModel, duration, withSound, highQuality, ...rest } = params
          Object.assign(settings, typedModel ? { mode: typedModel } : videoModel ? { mode: videoModel } : {}, duration !== undefined ? { duration } : {})
          if (withSound !== undefined) settings.withSound = asBoolean(withSound) ?? withSound
          if (highQuality !== undefined) settings.highQuality = asBoolean(highQuality) ?? highQuality
          body = { ...rest, prompt: input.prompt, ...(imageUrl ? { imageUrl } : ids[0] ? { originalImageCompletionId: ids[0] } : {}) }
        } else if (endpoint === 'image-edits') {
          const { resolution, aspect_ratio: aspectRatio, ...rest } = params
          const baseModel = typedModel ?? rest.baseModel
          if (resolution !== undefined) settings.resolution = resolution
          if (aspectRatio !== undefined) settings.aspect_ratio = aspectRatio
          // The queue routes on the top-level baseModel, the worker reads settings.model: both, as the skill advises.
          if (baseModel !== undefined) settings.model = baseModel
          const source =
            urls.length > 1
              ? { inputImageUrls: urls }
              : imageUrl
                ? { imageUrl }
                : ids.length > 1
                  ? { originalImageCompletionIds: ids }
                  : ids[0]
                    ? { originalImageCompletionId: ids[0] }
                    : {}
          body = { ...rest, ...(baseModel !== undefined ? { baseModel } : {}), mode: rest.mode ?? 'context', prompt: input.prompt, ...source }
        } else {
          // An upscale has no prompt of its own (LetzAI's MCP sends none): its picture is the image it starts from.
          body = { ...params, ...(typedModel ? { mode: typedModel } : {}), ...(imageUrl ? { imageUrl } : ids[0] ? { imageId: ids[0] } : {}) }
        }
        if (Object.keys(settings).length) body.settings = settings
      }
      if (endpoint === 'images' && Object.keys(settings).length) body.settings = settings
      const res = expectObject(await http.request(`/${endpoint}`, { json: body }), label)
      return { id: expectString(res, 'id', label), endpoint }
    },

    async poll(ref: ProviderRef): Promise<PollResult> {
      const endpoint = (LEGACY_ENDPOINTS[String(ref.endpoint)] ?? ref.endpoint) as Endpoint
      const res = expectObject(await http.request(`/${endpoint}/${encodeURIComponent(ref.id)}`), label)
      const rawStatus = expectString(res, 'status', label)
      const status = STATUSES[rawStatus]
      if (status === 'succeeded') {
        const files = resultFiles(endpoint, res)
        if (files.length === 0)
          return { status: 'failed', rawStatus, known: true, error: `${label} reported ${rawStatus} without any result URL`, retryable: true }
        return { status, rawStatus, known: true, progress: 1, files }
      }
      if (status === 'failed') {
        const said = failureText(res)
        const error = http.redact(
          said ? `${label}: ${said}` : rawStatus === 'not_allowed' ? `${label} did not allow this prompt (not_allowed)` : `${label} reported the job failed`
        )
        return { status, rawStatus, known: true, error, retryable: rawStatus !== 'not_allowed' }
      }
      if (status === 'canceled') {
        const said = failureText(res)
        return { status, rawStatus, known: true, error: http.redact(said ? `${label}: ${said}` : `${label} interrupted the job`) }
      }
      return { status: status ?? 'running', rawStatus, known: status !== undefined, progress: progressOf(res) }
    },

    async cancel(ref: ProviderRef): Promise<void> {
      const endpoint = LEGACY_ENDPOINTS[String(ref.endpoint)] ?? ref.endpoint
      // Only image generations can be stopped: PUT /images/{id}/interruption answers 204.
      if (endpoint !== 'images')
        throw new ProviderError(
          'rejected',
          `${label} has no way to stop ${endpoint === 'videos' ? 'a video' : endpoint === 'image-edits' ? 'an image edit' : 'an upscale'} once sent; it may still finish (and bill) it`
        )
      try {
        await http.request(`/images/${encodeURIComponent(ref.id)}/interruption`, { method: 'PUT' })
      } catch (err) {
        // 204 has no body, which the JSON reader calls malformed: that is the success answer.
        if (
          err instanceof ProviderError &&
          err.kind === 'malformed' &&
          err.details.httpStatus !== undefined &&
          err.details.httpStatus >= 200 &&
          err.details.httpStatus < 300
        )
          return
        throw err
      }
    },

    async testConnection(): Promise<string> {
      // GET /images lists this account's own images: only a valid key gets an answer.
      let res: unknown
      try {
        res = await http.request('/images?page=1&limit=1')
      } catch (err) {
        if (err instanceof ProviderError && err.kind === 'not_found')
          throw new ProviderError('rejected', `${label} has no /images here (404): check the base URL`, err.details)
        throw err
      }
      if (!Array.isArray(res))
        throw new ProviderError('malformed', `${label} answered GET /images with something other than a list of images: ${JSON.stringify(res)?.slice(0, 200)}`)
      return 'Connected: the key was accepted'
    }
  }
}
