// The prompt matrix: prompts × models (provider/model pairs, across providers) × variations (a count per
// prompt, or a list of seeds). Turned into the queuePrompts calls that make it, one per provider/model (and
// per seed, since a call's params are shared), so the composer can say how many jobs it makes first.
import type { InputRef, PipelineStep, QueueRequest, SheetAxes } from '../../../shared/contract'
import { modelInfo, PROVIDER_IDS, type JobKind, type ProviderId } from '../../../shared/catalogue'
import { providerModelName } from '../modelNames'
import { MAX_COUNT, MAX_PROMPTS_PER_CALL, type ParamValue } from '../../../shared/prompt-files'

/** "demo/images": a provider and one of its models (a suggested one or any id typed in), as the composer keys them. */
export type ModelKey = `${ProviderId}/${string}`

export function modelKey(provider: ProviderId, model: string): ModelKey {
  return `${provider}/${model}`
}

export function splitKey(key: ModelKey): { provider: ProviderId; model: string } {
  const slash = key.indexOf('/')
  return { provider: key.slice(0, slash) as ProviderId, model: key.slice(slash + 1) }
}

/** Whether a key names a model the catalogue suggests (a stored choice may name one since removed). */
export function isKnownModelKey(key: unknown): key is ModelKey {
  if (typeof key !== 'string' || !key.includes('/')) return false
  const { provider, model } = splitKey(key as ModelKey)
  return (PROVIDER_IDS as readonly string[]).includes(provider) && modelInfo(provider, model) !== undefined
}

/** A stored list of model keys, when every one is still known and there is at least one; else null. */
export function knownModelKeys(raw: unknown): ModelKey[] | null {
  return Array.isArray(raw) && raw.length > 0 && raw.every(isKnownModelKey) ? raw : null
}

export function modelLabel(key: ModelKey): string {
  const { provider, model } = splitKey(key)
  return providerModelName(provider, model)
}

export type Variations = { mode: 'count'; count: number } | { mode: 'seeds'; seeds: number[] } | { mode: 'sweep'; param: string; values: (string | number)[] }

export interface MatrixPlan {
  calls: QueueRequest[]
  jobs: number
  variations: number
}

export interface MatrixModel {
  key: ModelKey
  /** Sent for a typed-in model id (main knows a suggested model's kind itself). */
  kind?: JobKind
  params: Record<string, ParamValue>
  /** The input files this model's jobs start from (none for a model that takes none). */
  inputs?: InputRef[]
}

export interface MatrixInput {
  prompts: readonly string[]
  models: readonly MatrixModel[]
  variations: Variations
  batchName?: string
  /** Steps after each job ("then upscale the result with …"). */
  steps?: PipelineStep[]
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  if (items.length <= size) return [items as T[]]
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** Counts only: cheap enough to run on every keystroke. */
export function countMatrix(prompts: number, models: number, variations: Variations): { jobs: number; variations: number } {
  const perPrompt = variations.mode === 'count' ? variations.count : variations.mode === 'seeds' ? variations.seeds.length : variations.values.length
  return { jobs: prompts * perPrompt * models, variations: perPrompt }
}

/** The comparison sheet a matrix makes: prompts down, models across, its variations (seeds or repeats) as pages. */
export function matrixAxes(input: Pick<MatrixInput, 'variations'>): SheetAxes {
  const v = input.variations
  if (v.mode === 'seeds') return { rows: 'prompt', cols: 'model', pages: 'param:seed' }
  if (v.mode === 'sweep') return { rows: 'prompt', cols: 'model', pages: `param:${v.param}` }
  return v.count > 1 ? { rows: 'prompt', cols: 'model', pages: 'variant' } : { rows: 'prompt', cols: 'model' }
}

export function planMatrix(input: MatrixInput): MatrixPlan {
  const calls: QueueRequest[] = []
  const axes = matrixAxes(input)
  const steps = input.steps?.length ? { steps: input.steps } : {}
  const batchName = input.batchName?.trim() || undefined
  const promptChunks = chunks(input.prompts, MAX_PROMPTS_PER_CALL)
  for (const { key, kind, params, inputs } of input.models) {
    const { provider, model } = splitKey(key)
    const variants: { count: number; params: Record<string, ParamValue> }[] =
      input.variations.mode === 'count'
        ? [{ count: input.variations.count, params }]
        : input.variations.mode === 'seeds'
          ? input.variations.seeds.map((seed) => ({ count: 1, params: { ...params, seed } }))
          : input.variations.values.map((value) => ({ count: 1, params: { ...params, [(input.variations as { param: string }).param]: value } }))
    for (const v of variants)
      for (const prompts of promptChunks)
        calls.push({ prompts, count: v.count, provider, model, kind, params: v.params, batchName, axes, ...steps, ...(inputs?.length ? { inputs } : {}) })
  }
  return { calls, ...countMatrix(input.prompts.length, input.models.length, input.variations) }
}

/** Seeds typed as a list ("1, 2, 3" or one per line), or the first problem. */
export function parseSeeds(text: string): { seeds: number[]; problem: string | null } {
  const parts = text.split(/[\s,;]+/).filter(Boolean)
  const seeds: number[] = []
  for (const p of parts) {
    if (!/^\d+$/.test(p) || !Number.isSafeInteger(Number(p))) return { seeds, problem: `Seed "${p}" is not a whole number.` }
    seeds.push(Number(p))
  }
  if (!seeds.length) return { seeds, problem: 'List at least one seed (e.g. 1, 2, 3).' }
  if (seeds.length > MAX_COUNT) return { seeds, problem: `At most ${MAX_COUNT} seeds.` }
  return { seeds, problem: null }
}
