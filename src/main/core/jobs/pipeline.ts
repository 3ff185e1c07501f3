// Pipelines at queue time: steps after each generation ("then upscale the result with …"), on any provider.
// A step is a job chained to its parent (parent_job_id) and marked `from_parent`: it waits queued until the
// parent is done, then takes the parent's downloaded file as its input — a file on disk, sent the step's
// provider's own way — so it works across providers and outlives a parent's expiring URLs. A parent that
// fails fails its steps with the reason (the poller's failChildren); a start after a crash finds steps of a
// parent that ended badly and ends them too.
import { modelInfo, providerInfo, type JobKind, type ModelInfo, type ProviderId } from '../../../shared/catalogue'
import type { JobInput, PipelineStep } from '../../../shared/contract'
import { jobInputs, type JobRow, type NewJob, type Store } from '../storage/store'
import * as life from './lifecycle'

/** What a job of this kind makes, for the next step's input. */
export function outputMedia(kind: JobKind): 'image' | 'video' | 'audio' {
  if (kind === 'video' || kind === 'trim') return 'video'
  if (kind === 'audio') return 'audio'
  return 'image'
}

export interface PlannedStep {
  provider: ProviderId
  model: string
  kind: JobKind
  prompt?: string
  params: Record<string, unknown>
  info: ModelInfo | undefined
}

function stepName(provider: ProviderId, model: string, info: ModelInfo | undefined): string {
  return `${providerInfo(provider).label} ${info?.label ?? model}`
}

/** Checks each step can take what the one before it makes; throws before anything is queued. */
export function planSteps(firstKind: JobKind, steps: readonly PipelineStep[]): PlannedStep[] {
  let media = outputMedia(firstKind)
  return steps.map((step, i) => {
    const info = modelInfo(step.provider, step.model)
    const provider = providerInfo(step.provider)
    const name = stepName(step.provider, step.model, info)
    const where = `Step ${i + 1} (${name})`
    if (provider.urlInputsOnly)
      throw new Error(
        `${where}: ${provider.label} takes input pictures only as public URLs, so it cannot start from a downloaded file; choose another provider for this step`
      )
    if (info && !info.input)
      throw new Error(`${where} takes no input file, so it cannot start from the previous result; choose an upscale, edit or image-to-video model`)
    if (info?.input && info.input.media !== media) throw new Error(`${where} takes ${info.input.media} input, but the step before it makes ${media}`)
    const kind = info?.kind ?? step.kind ?? (provider.kinds.includes('edit') ? 'edit' : provider.kinds[0])
    if (!info && !provider.kinds.includes(kind)) throw new Error(`${where}: ${provider.label} cannot make ${kind} jobs`)
    media = outputMedia(kind)
    return { provider: step.provider, model: step.model, kind, prompt: step.prompt || undefined, params: step.params ?? {}, info }
  })
}

/** The steps' jobs after a generation job already in `jobs` (at index `parent`), each chained to the one before. */
export function pushSteps(jobs: NewJob[], parent: number, prompt: string, steps: readonly PlannedStep[]): void {
  let after = parent
  for (const s of steps) {
    jobs.push({ provider: s.provider, model: s.model, kind: s.kind, prompt: s.prompt ?? prompt, params: s.params, after, fromParent: true })
    after = jobs.length - 1
  }
}

/**
 * A job's input files as they are to be sent: its own, or, for a pipeline step, its parent's downloaded
 * files (as many as its model takes), written to the job when first found so its drawer shows them.
 */
export function stepInputs(store: Store, row: JobRow): JobInput[] {
  const own = jobInputs(row)
  if (row.from_parent && !row.parent_job_id && !own.length) throw new Error('The job this step starts from was deleted, so it has no file to start from')
  if (!row.from_parent || !row.parent_job_id || own.length) return own
  const max = modelInfo(row.provider, row.model)?.input?.max ?? 1
  const inputs = store
    .assetsOfJob(row.parent_job_id)
    .slice(0, Math.max(1, max))
    .map((a) => ({ path: a.path, assetId: a.id }))
  if (inputs.length) store.setJobInputs(row.id, inputs)
  return inputs
}

/** A retried job's steps that failed only because it did: queued again, to start when it is done. Returns their ids. */
export function requeueSteps(store: Store, parentId: number, now = Date.now()): number[] {
  const out: number[] = []
  for (const id of store.stepsFailedWith(parentId)) {
    if (store.transition(id, life.requeuedWithParent(parentId), now)) out.push(id, ...requeueSteps(store, id, now))
  }
  return out
}

/**
 * Steps still queued behind a parent that ended without a result (a crash came between the parent's end
 * and its steps'): each fails with the reason, as it would have at once. Returns the ids changed.
 */
export function failOrphanSteps(store: Store, now = Date.now()): number[] {
  const changed: number[] = []
  for (const o of store.orphanSteps()) {
    const why = o.status === 'needs_attention' ? 'needs attention' : o.status
    if (store.transition(o.id, life.parentEnded(o.parent, why, now), now)) changed.push(o.id)
  }
  // A failed step fails the steps after it: repeat until none is left.
  return changed.length ? [...changed, ...failOrphanSteps(store, now)] : changed
}
