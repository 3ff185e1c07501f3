// Send to…: picked files (gallery items, a queue selection's files, or a gallery filter) become a new batch
// of one job per file on a model that takes it — upscale, edit, image-to-video, a new generation with the
// picture as reference. Everything is checked before anything is queued (a model that takes no such input,
// a file gone from disk, a provider that only takes URLs), so the batch is queued whole or refused whole.
import { modelInfo, providerInfo, type JobKind, type ModelInfo, type ProviderId } from '../../../shared/catalogue'
import type { Asset, GalleryFilter } from '../../../shared/contract'
import { sheetModelLabel } from '../../../shared/sheet'
import { checkModelInputs, describeInput } from './inputs'
import type { InputFile } from '../providers/types'
import type { NewJob, Store } from '../storage/store'

export interface SendToArgs {
  assetIds?: number[]
  jobIds?: number[]
  filter?: Omit<GalleryFilter, 'offset' | 'limit'>
  provider: ProviderId
  model: string
  kind?: JobKind
  prompt?: string
  params?: Record<string, string | number | boolean>
  batchName?: string
}

/** Files described at once: enough to keep the disk busy, few enough not to run out of file handles. */
const DESCRIBE_CONCURRENCY = 64

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i])
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

/** The picked files, each once, in the order picked. */
function pickedAssets(store: Store, args: SendToArgs): Asset[] {
  const assets = args.assetIds
    ? store.assetsByIds(args.assetIds)
    : args.jobIds
      ? args.jobIds.flatMap((id) => store.assetsOfJob(id))
      : store.galleryAssets(args.filter ?? {})
  const seen = new Set<number>()
  return assets.filter((a) => !seen.has(a.id) && seen.add(a.id))
}

/** Refuses a file the model's documented types or size cap exclude (checkModelInputs checks the medium). */
function checkAccept(name: string, info: ModelInfo | undefined, file: InputFile): void {
  const spec = info?.input
  if (!spec) return
  if (spec.accept && !spec.accept.includes(file.mime)) throw new Error(`${name} takes ${spec.accept.join(', ')}, not ${file.mime} (${file.name})`)
  if (spec.maxBytes && file.size > spec.maxBytes)
    throw new Error(`${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; ${name} takes up to ${(spec.maxBytes / 1024 / 1024).toFixed(0)} MB`)
}

/** The jobs a Send to makes, or a sentence saying why none can be made. */
export async function planSendTo(store: Store, args: SendToArgs): Promise<{ jobs: NewJob[]; batchName: string }> {
  const provider = providerInfo(args.provider)
  const info = modelInfo(args.provider, args.model)
  const name = `${provider.label} ${info?.label ?? args.model}`
  if (provider.urlInputsOnly)
    throw new Error(
      `${provider.label} takes input pictures only as public URLs and has no upload, so files from the library cannot be sent to it; choose another provider. Nothing was queued.`
    )
  if (info && !info.input) throw new Error(`${name} takes no input file; choose an upscale, edit, image-to-video or reference model. Nothing was queued.`)
  const kind = info?.kind ?? args.kind ?? (provider.kinds.includes('edit') ? 'edit' : provider.kinds[0])
  if (!info && !provider.kinds.includes(kind))
    throw new Error(`${provider.label} cannot make ${kind} jobs (it makes ${provider.kinds.join(', ')}). Nothing was queued.`)
  const assets = pickedAssets(store, args)
  if (assets.length === 0) throw new Error('Nothing to send: the selection has no downloaded files')
  const described = await mapLimited(assets, DESCRIBE_CONCURRENCY, async (a) => {
    try {
      return { file: await describeInput({ path: a.path }), problem: null }
    } catch (err) {
      return { file: null, problem: (err as Error).message }
    }
  })
  const gone = described.filter((d) => d.file === null)
  if (gone.length) {
    const first = gone[0].problem
    throw new Error(
      `${gone.length} of ${assets.length} file${assets.length === 1 ? '' : 's'} cannot be read (first: ${first}); rescan the library or leave ${gone.length === 1 ? 'it' : 'them'} out. Nothing was queued.`
    )
  }
  for (const [i, d] of described.entries()) {
    try {
      checkModelInputs(args.provider, info, args.model, [d.file!])
      checkAccept(name, info, d.file!)
    } catch (err) {
      const which = assets.length > 1 ? `Gallery item ${assets[i].id} (job ${assets[i].jobId}): ` : ''
      throw new Error(`${which}${(err as Error).message}. Nothing was queued.`, { cause: err })
    }
  }
  const params = args.params ?? {}
  const jobs: NewJob[] = assets.map((a) => ({
    provider: args.provider,
    model: args.model,
    kind,
    prompt: args.prompt || a.prompt,
    params,
    inputs: [{ path: a.path, assetId: a.id }]
  }))
  const batchName = args.batchName?.trim() || `${assets[0].batchName} → ${sheetModelLabel(args.provider, args.model)}`
  return { jobs, batchName }
}
