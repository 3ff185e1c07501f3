// The one contract between the renderer and the main process. Every method's argument is a zod schema
// (main validates every call against it, whatever the transport) and its result a TypeScript type; every
// pushed event is typed here too. The Electron IPC handlers, the preload bridge, the headless HTTP/WebSocket
// bridge and the renderer's client are all derived from `methods` and `Events`: a new method is one edit.
// zod runs anywhere (no Node or DOM dependency), so this file stays usable by every runtime.
import type { AssetVariant } from './assetUrl'
import { z } from 'zod'
import { JOB_KINDS, POLL_STRATEGIES, PROVIDER_IDS, type JobKind } from './catalogue'
import {
  JOB_SORT_COLUMNS,
  JOB_STATUSES,
  MAX_INPUT_BYTES,
  POLLING_LIMITS,
  type Asset,
  type Batch,
  type ExportProgress,
  type Job,
  type JobEvent,
  type Settings,
  type Stats,
  type StatusCounts
} from './model'
import { BUDGET_SCOPES, type Balance, type CostReport, type JobCost } from './costs'
import { CURRENCIES, PRICE_UNITS } from './pricing'
import { AXIS_KEY_PATTERN, type AxisKey, type Sheet } from './sheet'
import type { Lineage } from './lineage'

export * from './model'
export type { AxisKey, Sheet, SheetAxes, SheetAxis, SheetCell } from './sheet'
export type { Lineage, LineageJob } from './lineage'

const id = z.number().int().positive()
const MAX_INPUT_BASE64 = Math.ceil(MAX_INPUT_BYTES / 3) * 4
const ids = z.array(id).min(1).max(100_000)
const page = { offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(200) }

/** An input file for a job: a gallery item, or a file on disk by its absolute path (main checks it is a media file). */
export const InputRef = z.union([z.object({ assetId: id }).strict(), z.object({ path: z.string().min(1).max(4096) }).strict()])
export type InputRef = z.infer<typeof InputRef>
const inputRefs = z.array(InputRef).max(16)
const paramValues = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))

/** A comparison sheet's axes (src/shared/sheet.ts): which job traits run down, across and as pages. */
const axisKey = z.custom<AxisKey>((v) => typeof v === 'string' && AXIS_KEY_PATTERN.test(v), 'is not an axis (prompt, model, variant or param:<name>)')
export const SheetAxesSchema = z.object({ rows: axisKey, cols: axisKey, pages: axisKey.optional() }).strict()

/** A pipeline step at queue time: it takes the previous step's downloaded file as input, on any provider. */
export const PipelineStep = z
  .object({
    provider: z.enum(PROVIDER_IDS),
    model: z.string().min(1).max(200),
    kind: z.enum(JOB_KINDS).optional(),
    /** The step's own prompt; empty keeps the generation's. */
    prompt: z.string().trim().max(10_000).optional(),
    params: paramValues.default({})
  })
  .strict()
export type PipelineStep = z.input<typeof PipelineStep>

/** Derived: made from another job (a step or an input picture); has children: something was made from it. */
const lineageFilter = z.enum(['derived', 'has-children']).optional()

export const QueueRequest = z.object({
  prompts: z.array(z.string().trim().min(1).max(10_000)).min(1).max(100_000),
  count: z.number().int().min(1).max(100).default(1),
  provider: z.enum(PROVIDER_IDS).optional(),
  model: z.string().min(1).max(200).optional(),
  kind: z.enum(JOB_KINDS).optional(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  batchName: z.string().trim().max(200).optional(),
  /** Adds the jobs to this batch (made by the first call of the same queue action: one batch, one folder,
   *  one "finished" toast, whatever its models); `batchName` is then ignored. */
  batchId: id.optional(),
  /** Input files every job of the batch starts from (edit, upscale, image-to-video, references). */
  inputs: inputRefs.optional(),
  /** Input files per prompt, in the prompts' order (a prompt file's input column); added to `inputs`. */
  promptInputs: z.array(inputRefs).max(100_000).optional(),
  /** A step chained after each job on the same provider (Wondercat: generate, then trim the video). */
  then: z.object({ model: z.string().min(1).max(200), params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}) }).optional(),
  /** A budget cap for the batch (set with the call that makes it, or replacing the batch's cap). */
  budget: z
    .object({ amount: z.number().min(0).max(1e9), currency: z.literal('usd') })
    .strict()
    .optional(),
  /** The user agreed to queue jobs of unknown price although a budget applies (it cannot hold them back). */
  allowUnknownCost: z.boolean().default(false),
  /** Steps after each job, in order, each starting from the previous one's file once it is on disk (any provider). */
  steps: z.array(PipelineStep).max(4).optional(),
  /** The batch is a matrix: its comparison sheet's axes, kept with the batch (the first call's are kept). */
  axes: SheetAxesSchema.optional()
})
export type QueueRequest = z.input<typeof QueueRequest>

export const JobFilter = z.object({
  ...page,
  status: z.array(z.enum(JOB_STATUSES)).optional(),
  batchId: id.optional(),
  provider: z.enum(PROVIDER_IDS).optional(),
  model: z.string().max(200).optional(),
  text: z.string().max(500).optional(),
  lineage: lineageFilter,
  sort: z.enum(JOB_SORT_COLUMNS).default('id'),
  dir: z.enum(['asc', 'desc']).default('desc')
})
export type JobFilter = z.input<typeof JobFilter>

export const GalleryFilter = z.object({
  ...page,
  batchId: id.optional(),
  provider: z.enum(PROVIDER_IDS).optional(),
  model: z.string().max(200).optional(),
  /** Full-text search over prompts (words, prefix-matched). */
  text: z.string().max(500).optional(),
  from: z.number().int().optional(),
  to: z.number().int().optional(),
  favorite: z.boolean().optional(),
  minRating: z.number().int().min(0).max(5).optional(),
  lineage: lineageFilter
})
export type GalleryFilter = z.input<typeof GalleryFilter>

export const ExportRequest = z
  .object({
    assetIds: z.array(id).min(1).max(1_000_000).optional(),
    /** Every file of these jobs (an export from the queue grid's selection). */
    jobIds: z.array(id).min(1).max(1_000_000).optional(),
    filter: GalleryFilter.omit({ offset: true, limit: true }).optional(),
    format: z.enum(['zip', 'folder']),
    /** Where the ZIP file or the folder goes (absolute path). */
    destination: z.string().min(1).max(4096),
    /** File names inside the export; placeholders {batch} {prompt} {job} {index} {provider} {model}. */
    template: z.string().min(1).max(200).default('{batch}/{prompt}-{job}'),
    embedMetadata: z.boolean().default(false)
  })
  .refine((r) => r.assetIds !== undefined || r.jobIds !== undefined || r.filter !== undefined, { message: 'needs assetIds, jobIds or filter' })
export type ExportRequest = z.input<typeof ExportRequest>

/** Send to…: a next step for picked files, one new job per file, each taking that file as its input. */
export const SendToRequest = z
  .object({
    assetIds: z.array(id).min(1).max(100_000).optional(),
    /** Every file of these jobs (the queue's selection). */
    jobIds: z.array(id).min(1).max(100_000).optional(),
    filter: GalleryFilter.omit({ offset: true, limit: true }).optional(),
    provider: z.enum(PROVIDER_IDS),
    model: z.string().min(1).max(200),
    /** For a model id the catalogue does not list. */
    kind: z.enum(JOB_KINDS).optional(),
    /** Empty: each job keeps the prompt of the job that made its picture. */
    prompt: z.string().trim().max(10_000).optional(),
    params: paramValues.default({}),
    batchName: z.string().trim().max(200).optional()
  })
  .strict()
  .refine((r) => r.assetIds !== undefined || r.jobIds !== undefined || r.filter !== undefined, { message: 'needs assetIds, jobIds or filter' })
export type SendToRequest = z.input<typeof SendToRequest>

export const SettingsPatch = z.object({
  outputRoot: z.string().min(1).max(4096).optional(),
  /** Base URLs per provider; an empty string restores the default. */
  baseUrls: z.partialRecord(z.enum(PROVIDER_IDS), z.string().max(2048)).optional(),
  polling: z
    .partialRecord(
      z.enum(PROVIDER_IDS),
      z
        .object({
          strategy: z.enum(POLL_STRATEGIES),
          rate: z.number().min(POLLING_LIMITS.rate.min).max(POLLING_LIMITS.rate.max),
          burst: z.number().int().min(POLLING_LIMITS.burst.min).max(POLLING_LIMITS.burst.max),
          concurrency: z.number().int().min(POLLING_LIMITS.concurrency.min).max(POLLING_LIMITS.concurrency.max),
          /** Longest a job may run at the provider before it goes to the user; 0 = the model's documented max. */
          maxWaitSeconds: z.number().int().min(POLLING_LIMITS.maxWaitSeconds.min).max(POLLING_LIMITS.maxWaitSeconds.max),
          /** The learned strategy notices a finished job within this many seconds; 0 = each model's documented interval. */
          latencySeconds: z.number().min(POLLING_LIMITS.latencySeconds.min).max(POLLING_LIMITS.latencySeconds.max)
        })
        .partial()
    )
    .optional(),
  defaultProvider: z.enum(PROVIDER_IDS).optional(),
  /** Prices by price-table key ("bfl/flux-2-pro", "letzai/images?baseModel=flux2&mode=1k"); null restores the default. */
  prices: z
    .record(
      z
        .string()
        .min(3)
        .max(400)
        .regex(/^[a-z]+\/[^/]/),
      z
        .object({ unit: z.enum(PRICE_UNITS), amount: z.number().min(0).max(1e6), first: z.number().min(0).max(1e6).optional(), currency: z.enum(CURRENCIES) })
        .strict()
        .nullable()
    )
    .optional(),
  demo: z
    .object({ durationMs: z.number().int().min(0).max(600_000), failureRate: z.number().min(0).max(1) })
    .partial()
    .optional()
})

const none = z.undefined().optional()

/** What a path chosen in main's dialog is for. */
export const PATH_PURPOSES = ['export-zip', 'export-folder', 'output-folder'] as const
export type PathPurpose = (typeof PATH_PURPOSES)[number]

/** Declares a method: its argument schema, with the result type carried along for the type checker only. */
function method<Result>() {
  return <Arg extends z.ZodType>(arg: Arg) => ({ arg, result: undefined as unknown as Result })
}

export const methods = {
  queuePrompts: method<{ batchId: number; jobIds: number[] }>()(QueueRequest),
  listJobs: method<{ total: number; jobs: Job[] }>()(JobFilter),
  /** With the provider's last status response (secrets redacted), for the job's detail view. */
  getJob: method<{ job: Job; events: JobEvent[]; assets: Asset[]; lastResponse: string | null; cost: JobCost | null } | null>()(z.object({ id })),
  cancelJobs: method<{ changed: number }>()(z.object({ ids })),
  retryJobs: method<{ changed: number }>()(z.object({ ids })),
  deleteJobs: method<{ changed: number }>()(z.object({ ids, deleteFiles: z.boolean().default(false) })),
  requeueJobs: method<{ batchId: number; jobIds: number[] }>()(z.object({ ids, provider: z.enum(PROVIDER_IDS), model: z.string().min(1).max(200) })),
  listGallery: method<{ total: number; items: Asset[] }>()(GalleryFilter),
  setFavorite: method<{ changed: number }>()(z.object({ assetIds: ids, favorite: z.boolean() })),
  setRating: method<{ changed: number }>()(z.object({ assetIds: ids, rating: z.number().int().min(0).max(5) })),
  rescanLibrary: method<{ checked: number; missing: number }>()(none),
  /**
   * Main's own dialog for a path the user chooses (desktop app only): an export's ZIP file or folder, or the
   * output folder. `path` is null when the user canceled or there is no desktop (headless: type the path).
   * In the desktop app an export destination or output folder must have been chosen here.
   */
  choosePath: method<{ path: string | null }>()(z.object({ purpose: z.enum(PATH_PURPOSES), suggested: z.string().max(4096).optional() })),
  /** Opens a downloaded file with its default app, or shows it in its folder (desktop app only). */
  revealAsset: method<{ ok: boolean; message: string }>()(z.object({ assetId: id, action: z.enum(['open', 'show']) })),
  listBatches: method<Batch[]>()(none),
  getStatusCounts: method<StatusCounts>()(none),
  getStats: method<Stats>()(none),
  startExport: method<{ exportId: string; total: number }>()(ExportRequest),
  cancelExport: method<{ canceled: boolean }>()(z.object({ exportId: z.string().min(1).max(100) })),
  pauseBatch: method<{ changed: number }>()(z.object({ batchId: id, paused: z.boolean() })),
  pauseProvider: method<Settings>()(z.object({ provider: z.enum(PROVIDER_IDS), paused: z.boolean() })),
  /** Stores a key in main (encrypted where the OS allows); it is never sent back to the renderer. */
  setApiKey: method<Settings>()(z.object({ provider: z.enum(PROVIDER_IDS).exclude(['demo']), key: z.string().trim().max(4096) })),
  testConnection: method<{ ok: boolean; message: string }>()(z.object({ provider: z.enum(PROVIDER_IDS) })),
  /**
   * Keeps a file the user dropped or picked (its bytes, base64) in the data folder, so a job can take it as
   * input by the path this returns. Only image, video and audio files, up to 12 MB.
   */
  addInputFile: method<{ path: string; name: string; mime: string; size: number }>()(
    z.object({ name: z.string().min(1).max(255), dataBase64: z.string().min(1).max(MAX_INPUT_BASE64) })
  ),
  /** The provider's own model list, where its API publishes one (Settings → Refresh models); `models` is null where it has none. */
  listProviderModels: method<{ models: { id: string; label?: string; kind?: JobKind }[] | null; message: string }>()(
    z.object({ provider: z.enum(PROVIDER_IDS) })
  ),
  /** Cost totals per batch, provider, model and day (the ledger), over all jobs or a filter. */
  getCosts: method<CostReport>()(
    z.object({ batchId: id.optional(), provider: z.enum(PROVIDER_IDS).optional(), model: z.string().max(200).optional() }).default({})
  ),
  /** Sets a budget cap (per batch: its id; per provider: its id; per day: ""), or removes it (amount null). */
  setBudget: method<Settings>()(
    z.object({
      scope: z.enum(BUDGET_SCOPES),
      key: z.string().max(200).default(''),
      amount: z.number().min(0).max(1e9).nullable(),
      currency: z.enum(CURRENCIES).default('usd')
    })
  ),
  /** Asks the provider for the account's balance (where it documents a balance endpoint). */
  refreshBalance: method<Balance | null>()(z.object({ provider: z.enum(PROVIDER_IDS) })),
  /** Send to…: one job per picked file, on a model that takes it; refused whole, before anything is queued, when one cannot go. */
  sendTo: method<{ batchId: number; jobIds: number[] }>()(SendToRequest),
  /** Where a job came from and what was made from it (the strip in the job drawer and the lightbox). */
  getLineage: method<Lineage>()(z.object({ jobId: id })),
  /** A batch laid out as a comparison sheet on its stored axes (or these); null for an unknown batch. */
  getSheet: method<Sheet | null>()(z.object({ batchId: id, axes: SheetAxesSchema.optional() })),
  /** Marks (or clears) a job as its row's winner on the sheet; one winner per row and page. */
  setSheetWinner: method<{ changed: number }>()(z.object({ batchId: id, jobId: id, winner: z.boolean() })),
  /** Writes the sheet into a folder: a PNG contact sheet with its labels drawn in, or an HTML page with the files beside it. */
  exportSheet: method<{ path: string; cells: number }>()(
    z.object({
      batchId: id,
      format: z.enum(['png', 'html']),
      destination: z.string().min(1).max(4096),
      axes: SheetAxesSchema.optional(),
      cellSize: z.number().int().min(64).max(1024).default(256)
    })
  ),
  getSettings: method<Settings>()(none),
  updateSettings: method<Settings>()(SettingsPatch)
}

export type Methods = typeof methods
export type MethodName = keyof Methods
export type MethodArg<M extends MethodName> = z.input<Methods[M]['arg']>
export type MethodResult<M extends MethodName> = Methods[M]['result']

/** What main implements and the renderer calls, whatever the transport. */
export type Api = { [M in MethodName]: (arg: MethodArg<M>) => Promise<MethodResult<M>> }

/** Events pushed from main to the renderer. Job changes arrive batched (at most ~10 per second). */
export interface Events {
  /** `truncated`: more jobs changed than were sent (a bulk action): refetch what is on screen. */
  jobsChanged: { jobs: Job[]; truncated: boolean }
  countsChanged: StatusCounts
  settingsChanged: Settings
  notice: { level: 'info' | 'error'; message: string }
  exportProgress: ExportProgress
  /** A batch has no active jobs left. */
  batchFinished: { batchId: number; name: string; done: number; failed: number }
}
export type EventName = keyof Events

export const METHOD_NAMES = Object.keys(methods) as MethodName[]
/** Every event name, held to Events' keys by the compiler: a name missing here, or one Events lacks, does not compile. */
const EVENT_KEYS: { readonly [E in EventName]: true } = {
  jobsChanged: true,
  countsChanged: true,
  settingsChanged: true,
  notice: true,
  exportProgress: true,
  batchFinished: true
}
export const EVENT_NAMES = Object.keys(EVENT_KEYS) as readonly EventName[]

/** The renderer's view of main: the API plus a subscription to events (returns an unsubscribe). */
export interface Bridge extends Api {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
  /** URL of a downloaded file (or its thumbnail) that an <img> or <video> can load. */
  assetUrl(assetId: number, variant: AssetVariant): string
}

/** Validates an untrusted call and names the problem plainly; used by every transport in main. */
export function parseArg<M extends MethodName>(name: M, raw: unknown): z.output<Methods[M]['arg']> {
  const result = methods[name].arg.safeParse(raw)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new Error(`Invalid argument to ${name}: ${issue?.path.join('.') || 'argument'} ${issue?.message ?? 'is invalid'}`)
  }
  return result.data as z.output<Methods[M]['arg']>
}

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name)
}

export const IPC_PREFIX = 'batch-studio:'
export { ASSET_SCHEME } from './assetUrl'
