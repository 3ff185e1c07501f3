// The prompt matrix: prompts × models (provider/model pairs, across providers) × variations (a count per
// prompt, or a list of seeds). Turned into the queuePrompts calls that make it, one per provider/model (and
// per seed, since a call's params are shared), so the composer can say how many jobs it makes first.
import type { QueueRequest } from '../../../shared/contract'
import { modelInfo, providerInfo, type ProviderId } from '../../../shared/catalogue'
import { MAX_COUNT, MAX_PROMPTS_PER_CALL, type ParamValue } from '../../../shared/prompt-files'

/** "demo/images": a provider and one of its models, as the composer's model picker keys them. */
export type ModelKey = `${ProviderId}/${string}`

export function modelKey(provider: ProviderId, model: string): ModelKey {
  return `${provider}/${model}`
}

export function splitKey(key: ModelKey): { provider: ProviderId; model: string } {
  const slash = key.indexOf('/')
  return { provider: key.slice(0, slash) as ProviderId, model: key.slice(slash + 1) }
}

export function modelLabel(key: ModelKey): string {
  const { provider, model } = splitKey(key)
  const info = providerInfo(provider)
  return `${info.label.replace(/ \(.*\)$/, '')} · ${info.models.find((m) => m.id === model)?.label ?? model}`
}

/** Wondercat's video model can be followed by a trim of its output. */
export function canTrim(key: ModelKey): boolean {
  const { provider, model } = splitKey(key)
  return provider === 'wondercat' && modelInfo(provider, model)?.kind === 'video'
}

export type Variations = { mode: 'count'; count: number } | { mode: 'seeds'; seeds: number[] }

export interface MatrixPlan {
  calls: QueueRequest[]
  /** Jobs the calls make, trim steps included. */
  jobs: number
  /** Of which chained trim steps. */
  trims: number
  variations: number
}

export interface MatrixInput {
  prompts: readonly string[]
  models: readonly { key: ModelKey; params: Record<string, ParamValue> }[]
  variations: Variations
  batchName?: string
  /** Applies to the models where canTrim(). */
  trim?: { trimStartMs: number; trimEndMs: number } | null
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  if (items.length <= size) return [items as T[]]
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** Counts only: cheap enough to run on every keystroke. */
export function countMatrix(prompts: number, models: readonly ModelKey[], variations: Variations, trim: boolean): { jobs: number; trims: number; variations: number } {
  const perModel = prompts * (variations.mode === 'count' ? variations.count : variations.seeds.length)
  const trimmed = trim ? models.filter(canTrim).length : 0
  return { jobs: perModel * (models.length + trimmed), trims: perModel * trimmed, variations: variations.mode === 'count' ? variations.count : variations.seeds.length }
}

export function planMatrix(input: MatrixInput): MatrixPlan {
  const calls: QueueRequest[] = []
  const batchName = input.batchName?.trim() || undefined
  const promptChunks = chunks(input.prompts, MAX_PROMPTS_PER_CALL)
  for (const { key, params } of input.models) {
    const { provider, model } = splitKey(key)
    const info = modelInfo(provider, model)
    const then = input.trim && canTrim(key) ? { model: 'trim', params: { trimStartMs: input.trim.trimStartMs, trimEndMs: input.trim.trimEndMs } } : undefined
    const variants: { count: number; params: Record<string, ParamValue> }[] =
      input.variations.mode === 'count' ? [{ count: input.variations.count, params }] : input.variations.seeds.map((seed) => ({ count: 1, params: { ...params, seed } }))
    for (const v of variants)
      for (const prompts of promptChunks) calls.push({ prompts, count: v.count, provider, model, kind: info?.kind, params: v.params, batchName, then })
  }
  const counted = countMatrix(input.prompts.length, input.models.map((m) => m.key), input.variations, Boolean(input.trim))
  return { calls, ...counted }
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
