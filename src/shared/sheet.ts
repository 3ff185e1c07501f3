// Comparison sheets: a batch queued as a matrix remembers its axes (which of a job's traits make the rows,
// the columns and the pages), and `layoutSheet` lays its jobs out on them. Pure and dependency-free beyond
// the catalogue, so main (the PNG/HTML export, the CLI) and the renderer (the Compare view) lay out alike.
// An axis keeps its values in the order their first job was queued: the composer's prompts, models, seeds.
import { modelInfo, providerInfo, type ProviderId } from './catalogue'
import type { JobStatus } from './model'

/** A job trait an axis runs along: its prompt, its provider/model, the nth job of the same prompt and model, or a parameter (seed, quality). */
export type AxisKey = 'prompt' | 'model' | 'variant' | `param:${string}`

export const AXIS_KEY_PATTERN = /^(prompt|model|variant|param:[A-Za-z0-9_.-]{1,64})$/

export interface SheetAxes {
  rows: AxisKey
  cols: AxisKey
  /** A third axis, one page per value. */
  pages?: AxisKey
}

/** What the layout needs of a job. */
export interface SheetJob {
  id: number
  prompt: string
  provider: ProviderId
  model: string
  params: Record<string, unknown>
  status: JobStatus
  error: string | null
  /** Its first file, once downloaded. */
  assetId: number | null
  mime: string | null
}

export interface SheetCell {
  jobId: number
  status: JobStatus
  error: string | null
  assetId: number | null
  mime: string | null
  winner: boolean
  /** Other jobs that fell on the same cell (a count per prompt without a variant axis). */
  more: number
}

export interface SheetAxis {
  key: AxisKey
  /** The axis' name ("Prompt", "Model", "seed"). */
  title: string
  /** Stable ids of its values (what a winner is stored under). */
  keys: string[]
  labels: string[]
}

export interface Sheet {
  batchId: number
  name: string
  rows: SheetAxis
  cols: SheetAxis
  pages: SheetAxis
  /** cells[page][row][col]: null where no job falls (a model that refused a prompt). */
  cells: (SheetCell | null)[][][]
  counts: { total: number; done: number; failed: number; pending: number }
}

/** "Demo · Image": a provider's name without its aside and the model's label (as the renderer's modelNames). */
export function sheetModelLabel(provider: ProviderId, model: string): string {
  return `${providerInfo(provider).label.replace(/ \(.*\)$/, '')} · ${modelInfo(provider, model)?.label ?? model}`
}

export function axisTitle(key: AxisKey): string {
  if (key === 'prompt') return 'Prompt'
  if (key === 'model') return 'Model'
  if (key === 'variant') return 'Variation'
  return key.slice('param:'.length)
}

function valueOf(job: SheetJob, key: AxisKey, variant: number): { key: string; label: string } {
  if (key === 'prompt') return { key: job.prompt, label: job.prompt }
  if (key === 'model') return { key: `${job.provider}/${job.model}`, label: sheetModelLabel(job.provider, job.model) }
  if (key === 'variant') return { key: String(variant), label: `#${variant}` }
  const name = key.slice('param:'.length)
  const v = job.params[name]
  return v === undefined ? { key: '', label: `no ${name}` } : { key: String(v), label: `${name} ${String(v)}` }
}

/** The axes a batch without stored ones gets: prompts down, models across, repeats as pages. */
export function defaultAxes(jobs: readonly SheetJob[]): SheetAxes {
  const seen = new Set<string>()
  const repeats = jobs.some((j) => {
    const k = `${j.prompt}\u0000${j.provider}/${j.model}`
    if (seen.has(k)) return true
    seen.add(k)
    return false
  })
  return repeats ? { rows: 'prompt', cols: 'model', pages: 'variant' } : { rows: 'prompt', cols: 'model' }
}

const PENDING: readonly JobStatus[] = ['queued', 'submitting', 'running', 'downloading']

/** Lays jobs (in queue order) out on the axes; `winners` holds "pageKey\u0000rowKey" → job id. */
export function layoutSheet(
  batch: { id: number; name: string },
  axes: SheetAxes,
  jobs: readonly SheetJob[],
  winners: ReadonlyMap<string, number> = new Map()
): Sheet {
  const make = (key: AxisKey | undefined): SheetAxis & { index: Map<string, number> } => ({
    key: key ?? 'variant',
    title: key ? axisTitle(key) : '',
    keys: [],
    labels: [],
    index: new Map()
  })
  const rows = make(axes.rows)
  const cols = make(axes.cols)
  const pages = make(axes.pages)
  const place = (axis: typeof rows, v: { key: string; label: string }) => {
    let i = axis.index.get(v.key)
    if (i === undefined) {
      i = axis.keys.length
      axis.index.set(v.key, i)
      axis.keys.push(v.key)
      axis.labels.push(v.label)
    }
    return i
  }
  const variants = new Map<string, number>()
  const placed: { job: SheetJob; p: number; r: number; c: number }[] = []
  for (const job of jobs) {
    const group = `${job.prompt}\u0000${job.provider}/${job.model}`
    const variant = (variants.get(group) ?? 0) + 1
    variants.set(group, variant)
    const r = place(rows, valueOf(job, axes.rows, variant))
    const c = place(cols, valueOf(job, axes.cols, variant))
    const p = axes.pages ? place(pages, valueOf(job, axes.pages, variant)) : place(pages, { key: '', label: '' })
    placed.push({ job, p, r, c })
  }
  if (pages.keys.length === 0) place(pages, { key: '', label: '' })
  const cells: (SheetCell | null)[][][] = pages.keys.map(() => rows.keys.map(() => cols.keys.map(() => null)))
  const counts = { total: jobs.length, done: 0, failed: 0, pending: 0 }
  for (const { job, p, r, c } of placed) {
    if (job.status === 'done') counts.done++
    else if (PENDING.includes(job.status)) counts.pending++
    else counts.failed++
    const existing = cells[p][r][c]
    if (existing) {
      existing.more++
      continue
    }
    const winner = winners.get(`${pages.keys[p]}\u0000${rows.keys[r]}`) === job.id
    cells[p][r][c] = { jobId: job.id, status: job.status, error: job.error, assetId: job.assetId, mime: job.mime, winner, more: 0 }
  }
  const strip = ({ index: _index, ...axis }: typeof rows): SheetAxis => axis
  return { batchId: batch.id, name: batch.name, rows: strip(rows), cols: strip(cols), pages: strip(pages), cells, counts }
}

/** The cell of a job, or null (a winner is marked by its job). */
export function findCell(sheet: Sheet, jobId: number): { page: number; row: number; col: number } | null {
  for (const [page, grid] of sheet.cells.entries())
    for (const [row, line] of grid.entries()) for (const [col, cell] of line.entries()) if (cell?.jobId === jobId) return { page, row, col }
  return null
}
