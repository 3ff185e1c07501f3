// What a job costs before it is sent: the price table (per provider and model, in the unit and currency each
// provider bills), which failures each provider bills, and the estimate of a job or a whole matrix. Pure
// TypeScript with no dependencies, so the composer, the CLI and the core compute the very same figure; the
// ledger (main/core/storage/ledger.ts) stores it per job and the budgets (main/core/storage/budgets.ts) reserve it. Every
// default price and billing fact has its source in docs/providers.md and carries the date it was read. A price
// that cannot be known is `null`, shown as unknown, never as free.
import { modelInfo, providerInfo, type ProviderId } from './catalogue'

/** How a provider counts what it bills: per image, per megapixel (BFL's FLUX.2), per second of video, per track, per job. */
export const PRICE_UNITS = ['image', 'megapixel', 'second', 'track', 'job'] as const
export type PriceUnit = (typeof PRICE_UNITS)[number]

/** Money (US dollars) or the provider's own credits. */
export const CURRENCIES = ['usd', 'credits'] as const
export type Currency = (typeof CURRENCIES)[number]

export interface Price {
  unit: PriceUnit
  /** Per unit; for `megapixel`, per megapixel after the first. */
  amount: number
  /** `megapixel` only: the first megapixel's price. */
  first?: number
  currency: Currency
}

export interface PriceEntry extends Price {
  provider: ProviderId
  model: string
  /** The entry applies when the job's params have these values (LetzAI's base model and tier, APIXO's mode). */
  when?: Record<string, string>
  /** Where the figure comes from (docs/providers.md has the full reference). */
  source: string
  /** The day it was read, YYYY-MM-DD. */
  readOn: string
  /** Set when the user changed the default in Settings. */
  edited?: boolean
}

/** What happens to a failure at each provider: billed, not billed, or not knowable from its documentation. */
export type FailureBilling = 'billed' | 'not_billed' | 'unknown'

export interface ProviderBilling {
  currency: Currency | null
  /** Dollars per credit, where the provider states it. */
  usdPerCredit: number | null
  /** A job the provider moderated (refused for its content). */
  moderated: FailureBilling
  /** A job that failed after the provider started it. */
  failed: FailureBilling
  /** The provider reports each job's cost in its submit answer (BFL's `cost`). */
  reportsCost: boolean
  /** The provider has a balance endpoint the app reads (Settings, status bar). */
  hasBalance: boolean
  note: string
  source: string
  readOn: string
}

const READ = '2026-12-01'

/** Per provider, as docs/providers.md records it. */
export const BILLING: Record<ProviderId, ProviderBilling> = {
  demo: {
    currency: 'usd',
    usdPerCredit: null,
    moderated: 'not_billed',
    failed: 'not_billed',
    reportsCost: false,
    hasBalance: false,
    note: 'The Demo is the built-in simulator: its prices are pretend figures, so estimates and budgets can be tried offline. Nothing is ever charged.',
    source: 'Batch Studio',
    readOn: READ
  },
  letzai: {
    currency: 'credits',
    usdPerCredit: null,
    moderated: 'unknown',
    failed: 'unknown',
    reportsCost: false,
    hasBalance: false,
    note: 'Prices are in LetzAI credits; what a credit costs depends on the plan, so no dollar figure. No balance endpoint is documented.',
    source: 'letz.ai systemprompts/api_instructions.md; letzai-skill SKILL.md',
    readOn: READ
  },
  bfl: {
    currency: 'credits',
    usdPerCredit: 0.01,
    moderated: 'not_billed',
    failed: 'unknown',
    reportsCost: true,
    hasBalance: true,
    note: '1 credit = $0.01. Each submit answer carries the job’s cost in credits, which replaces the estimate; GET /v1/credits gives the balance. Moderated tasks are not charged.',
    source: 'black-forest-labs/skills SKILL.md; OpenAPI AsyncResponse, /v1/credits; help.bfl.ai “Why did my request fail?”',
    readOn: READ
  },
  wondercat: {
    currency: 'usd',
    usdPerCredit: 0.001,
    moderated: 'unknown',
    failed: 'unknown',
    reportsCost: false,
    hasBalance: false,
    note: 'GET /pricing lists every model’s price (1 credit = $0.001); only the documented example is a default here. The /balance body is not documented, so it is not read.',
    source: 'wondatwin.com/docs/pricing; wonda.sh/docs/pricing-estimate',
    readOn: READ
  },
  apixo: {
    currency: 'usd',
    usdPerCredit: null,
    moderated: 'unknown',
    failed: 'unknown',
    reportsCost: false,
    hasBalance: true,
    note: 'Prices in dollars from the model pages; GET /apikeys/current-balance gives the key’s balance in dollars.',
    source: 'apixo.ai docs model pages; api-reference/system',
    readOn: READ
  },
  umrgen: {
    currency: null,
    usdPerCredit: null,
    moderated: 'unknown',
    failed: 'unknown',
    reportsCost: false,
    hasBalance: false,
    note: 'No source gives a price, credits or a balance: its cost is unknown.',
    source: 'umrvntr/umrgen server.mjs (no billing found)',
    readOn: READ
  }
}

const bflSource = 'black-forest-labs/skills skills/bfl-api/SKILL.md'
const mp = (model: string, first: number, perMp: number): PriceEntry => ({
  provider: 'bfl',
  model,
  unit: 'megapixel',
  first,
  amount: perMp,
  currency: 'credits',
  source: bflSource,
  readOn: READ
})
const flat = (
  provider: ProviderId,
  model: string,
  amount: number,
  currency: Currency,
  source: string,
  when?: Record<string, string>,
  unit: PriceUnit = 'image'
): PriceEntry => ({
  provider,
  model,
  unit,
  amount,
  currency,
  source,
  readOn: READ,
  ...(when ? { when } : {})
})
const letzai = (model: string, when: Record<string, string>, credits: number, source = 'letz.ai api_instructions.md') =>
  flat('letzai', model, credits, 'credits', source, when)
const apixo = (model: string, usd: number, when?: Record<string, string>, unit: PriceUnit = 'image') =>
  flat('apixo', model, usd, 'usd', `apixo.ai docs, ${model} page`, when, unit)
const demo = (model: string, usd: number, unit: PriceUnit = 'image') => flat('demo', model, usd, 'usd', 'Batch Studio’s pretend Demo price', undefined, unit)

/** The defaults. A model, or a variant of one, not listed here has no known price. */
export const DEFAULT_PRICES: readonly PriceEntry[] = [
  demo('images', 0.03),
  demo('image-edits', 0.03),
  demo('upscales', 0.01),
  demo('videos', 0.25, 'job'),
  // FLUX.2: credits for the first megapixel, then per megapixel; FLUX.1 flat per image (1 credit = $0.01).
  mp('flux-2-klein-4b', 1.4, 0.1),
  mp('flux-2-klein-9b', 1.5, 0.2),
  mp('flux-2-pro', 3, 1.5),
  mp('flux-2-max', 7, 3),
  mp('flux-2-flex', 5, 5),
  flat('bfl', 'flux-kontext-pro', 4, 'credits', bflSource),
  flat('bfl', 'flux-kontext-max', 8, 'credits', bflSource),
  flat('bfl', 'flux-pro-1.1', 4, 'credits', bflSource),
  flat('bfl', 'flux-pro-1.1-ultra', 6, 'credits', bflSource),
  flat('bfl', 'flux-pro-1.0-fill', 5, 'credits', bflSource),
  // LetzAI: credits per image by base model and resolution tier (an empty tier is the model's own default: unknown).
  letzai('images', { baseModel: 'flux2', mode: '1k' }, 60),
  letzai('images', { baseModel: 'flux2', mode: 'hd' }, 120),
  letzai('images', { baseModel: 'gemini-3-pro-image', mode: '1k' }, 80),
  letzai('images', { baseModel: 'gemini-3-pro-image', mode: 'hd' }, 160),
  letzai('images', { baseModel: 'gemini-3-pro-image', mode: '4k' }, 240),
  letzai('images', { baseModel: 'gemini-3-pro-image-preview', mode: '1k' }, 80),
  letzai('images', { baseModel: 'gemini-3-pro-image-preview', mode: 'hd' }, 160),
  letzai('images', { baseModel: 'gemini-3-pro-image-preview', mode: '4k' }, 240),
  letzai('images', { baseModel: 'seedream-4-5-251128', mode: 'hd' }, 80),
  letzai('images', { baseModel: 'seedream-4-5-251128', mode: '4k' }, 160),
  letzai('images', { baseModel: 'phota', mode: '1k' }, 80),
  letzai('images', { baseModel: 'phota', mode: '4k' }, 240),
  letzai('videos', { videoModel: 'video-veo31' }, 1500, 'letzai-skill SKILL.md'),
  // Wonda: the documented GET /pricing example (nano-banana-2 at 1K: 4000 µ$).
  flat('wondercat', 'nano-banana-2', 0.004, 'usd', 'wondatwin.com/docs/pricing', { resolution: '1K' }),
  // APIXO: the model pages' flat prices (a range on a page is not a price).
  apixo('nano-banana', 0.03),
  apixo('veo-3-1', 0.2, { mode: 'fast' }, 'job'),
  apixo('veo-3-1', 1.5, { mode: 'quality' }, 'job'),
  apixo('suno', 0.12, undefined, 'job')
]

/** A user's price in Settings (config.json): replaces the default for that key, or prices a model that had none. */
export interface PriceOverride extends Price {
  when?: Record<string, string>
}

/** "bfl/flux-2-pro" or "letzai/images?baseModel=flux2&mode=1k": one price table row. */
export function priceKey(e: { provider: ProviderId; model: string; when?: Record<string, string> }): string {
  const when = e.when ? Object.entries(e.when).sort(([a], [b]) => a.localeCompare(b)) : []
  return `${e.provider}/${e.model}${when.length ? `?${when.map(([k, v]) => `${k}=${v}`).join('&')}` : ''}`
}

/** Why a stored price cannot be used, or null: a missing or negative amount, an unknown unit or currency. */
export function priceProblem(p: Partial<Price> | null | undefined): string | null {
  if (!p) return 'no price'
  if (!(PRICE_UNITS as readonly unknown[]).includes(p.unit)) return `unknown unit ${JSON.stringify(p.unit ?? null)}`
  if (!(CURRENCIES as readonly unknown[]).includes(p.currency)) return `unknown currency ${JSON.stringify(p.currency ?? null)}`
  if (typeof p.amount !== 'number' || !Number.isFinite(p.amount)) return 'no amount'
  if (p.amount < 0) return 'a negative price'
  if (p.unit === 'megapixel' && (typeof p.first !== 'number' || !Number.isFinite(p.first) || p.first < 0)) return 'no price for the first megapixel'
  return null
}

/** The defaults with the user's overrides on top (a `null` override removes a default: the price becomes unknown). */
export function priceTable(overrides: Record<string, PriceOverride | null> = {}): PriceEntry[] {
  const table = new Map(DEFAULT_PRICES.map((e) => [priceKey(e), e]))
  for (const [key, o] of Object.entries(overrides)) {
    const slash = key.indexOf('/')
    const provider = key.slice(0, slash) as ProviderId
    const rest = key.slice(slash + 1)
    const q = rest.indexOf('?')
    const model = q < 0 ? rest : rest.slice(0, q)
    const when = q < 0 ? undefined : Object.fromEntries(new URLSearchParams(rest.slice(q + 1)))
    if (o === null) {
      table.delete(key)
      continue
    }
    table.set(key, { ...o, provider, model, ...(when ? { when } : {}), source: 'Set by you in Settings', readOn: table.get(key)?.readOn ?? READ, edited: true })
  }
  return [...table.values()]
}

/** What one job is estimated to cost. `amount` null: unknown, with the reason. */
export interface JobEstimate {
  amount: number | null
  currency: Currency | null
  /** The same in dollars, where the provider's credits have a stated dollar value. */
  usd: number | null
  reason: string | null
}

function paramValue(provider: ProviderId, model: string, params: Record<string, unknown>, name: string): unknown {
  return params[name] ?? modelInfo(provider, model)?.params?.find((p) => p.name === name)?.default
}

/** The entry for this job: the most specific whose `when` all match (a plain model entry matches any params). */
export function findPrice(table: readonly PriceEntry[], provider: ProviderId, model: string, params: Record<string, unknown>): PriceEntry | undefined {
  let best: PriceEntry | undefined
  for (const e of table) {
    if (e.provider !== provider || e.model !== model) continue
    const when = Object.entries(e.when ?? {})
    if (!when.every(([k, v]) => String(paramValue(provider, model, params, k) ?? '').toLowerCase() === v.toLowerCase())) continue
    if (!best || when.length > Object.keys(best.when ?? {}).length) best = e
  }
  return best
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6
}

/** How many units of its price one job takes, or the reason it cannot be known. */
function quantity(e: PriceEntry, params: Record<string, unknown>): { units: number; first?: number } | string {
  switch (e.unit) {
    case 'image':
    case 'job':
    case 'track':
      return { units: 1 }
    case 'second': {
      const seconds = Number(paramValue(e.provider, e.model, params, 'duration'))
      return Number.isFinite(seconds) && seconds > 0 ? { units: seconds } : 'the duration is not set'
    }
    case 'megapixel': {
      // FLUX.2: the first megapixel, then each one after; the model's own default size is taken as 1 MP.
      const w = Number(paramValue(e.provider, e.model, params, 'width'))
      const h = Number(paramValue(e.provider, e.model, params, 'height'))
      const mp = w > 0 && h > 0 ? (w * h) / 1e6 : 1
      return { units: Math.max(0, mp - 1), first: 1 }
    }
  }
}

export function estimateJob(table: readonly PriceEntry[], provider: ProviderId, model: string, params: Record<string, unknown> = {}): JobEstimate {
  const billing = BILLING[provider]
  const entry = findPrice(table, provider, model, params)
  if (!entry) return { amount: null, currency: null, usd: null, reason: `no known price for ${providerInfo(provider).label} / ${model}` }
  const problem = priceProblem(entry)
  if (problem) return { amount: null, currency: null, usd: null, reason: `the price of ${providerInfo(provider).label} / ${model} is unusable: ${problem}` }
  const q = quantity(entry, params)
  if (typeof q === 'string')
    return { amount: null, currency: entry.currency, usd: null, reason: `${providerInfo(provider).label} / ${model} is priced per ${entry.unit} and ${q}` }
  const amount = round((q.first ? (entry.first ?? 0) : 0) + q.units * entry.amount)
  const usd = entry.currency === 'usd' ? amount : billing.usdPerCredit !== null ? round(amount * billing.usdPerCredit) : null
  return { amount, currency: entry.currency, usd, reason: null }
}

/** Totals that may mix dollars and each provider's credits. */
export interface CostTotals {
  usd: number
  /** Credits per provider that bills in credits without a stated dollar value (LetzAI). */
  credits: Partial<Record<ProviderId, number>>
}

export interface MatrixEstimate {
  jobs: number
  totals: CostTotals
  /** Models whose jobs have no known price, with how many jobs and why. */
  unknown: { provider: ProviderId; model: string; jobs: number; reason: string }[]
}

/** Adds one job's estimate to totals: dollars where known, else the provider's credits; false when unknown. */
export function addEstimate(totals: CostTotals, provider: ProviderId, e: Pick<JobEstimate, 'amount' | 'currency' | 'usd'>, times = 1): boolean {
  if (e.usd !== null) totals.usd = round(totals.usd + e.usd * times)
  else if (e.amount !== null && e.currency === 'credits') totals.credits[provider] = round((totals.credits[provider] ?? 0) + e.amount * times)
  else return false
  return true
}

/** The estimate of a set of job groups (a matrix: each group is one provider/model/params with its job count). */
export function estimateJobs(
  table: readonly PriceEntry[],
  groups: readonly { provider: ProviderId; model: string; params?: Record<string, unknown>; jobs: number }[]
): MatrixEstimate {
  const out: MatrixEstimate = { jobs: 0, totals: { usd: 0, credits: {} }, unknown: [] }
  for (const g of groups) {
    out.jobs += g.jobs
    const e = estimateJob(table, g.provider, g.model, g.params ?? {})
    if (addEstimate(out.totals, g.provider, e, g.jobs)) continue
    const same = out.unknown.find((u) => u.provider === g.provider && u.model === g.model)
    if (same) same.jobs += g.jobs
    else out.unknown.push({ provider: g.provider, model: g.model, jobs: g.jobs, reason: e.reason ?? 'unknown price' })
  }
  return out
}

export function formatUsd(n: number): string {
  if (n === 0) return '$0.00'
  if (Math.abs(n) < 0.01) return `$${n.toFixed(4).replace(/0+$/, '')}`
  return `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
}

export function formatCredits(n: number): string {
  return `${n.toLocaleString('en-US', { maximumFractionDigits: 2 })} credits`
}

/** "$7.20", "$7.20 + 1,200 LetzAI credits", or "unknown" when nothing is priced. */
export function formatTotals(t: CostTotals, o: { nothing?: string } = {}): string {
  const parts: string[] = []
  if (t.usd > 0 || Object.keys(t.credits).length === 0) parts.push(formatUsd(t.usd))
  for (const [provider, credits] of Object.entries(t.credits) as [ProviderId, number][])
    parts.push(`${credits.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${providerInfo(provider).label} credits`)
  return parts.length ? parts.join(' + ') : (o.nothing ?? 'unknown')
}

export function formatAmount(amount: number, currency: Currency): string {
  return currency === 'usd' ? formatUsd(amount) : formatCredits(amount)
}

export function describePrice(p: Price): string {
  const money = (n: number) => formatAmount(n, p.currency).replace(/ credits$/, ' cr')
  if (p.unit === 'megapixel') return `${money(p.first ?? 0)} first MP + ${money(p.amount)}/MP`
  return `${money(p.amount)} per ${p.unit}`
}
