// The shared price table and estimates: what each provider's defaults price, and bad prices (missing,
// negative, an unknown unit or currency, a megapixel price without its first megapixel) coming out as
// unknown, never as free; the contract refuses them from the renderer.
import { describe, expect, it } from 'vitest'
import { parseArg } from '../../src/shared/contract'
import { DEFAULT_PRICES, estimateJob, estimateJobs, formatTotals, priceKey, priceProblem, priceTable, type PriceOverride } from '../../src/shared/pricing'

describe('pricing', () => {
  it('prices each provider in its own unit and currency', () => {
    expect(estimateJob(DEFAULT_PRICES, 'demo', 'images')).toEqual({ amount: 0.03, currency: 'usd', usd: 0.03, reason: null })
    // FLUX.2 [max] at 2 MP: 7 + 1 × 3 = 10 credits = $0.10 (the Skill's "1MP I2I" column is the same formula).
    expect(estimateJob(DEFAULT_PRICES, 'bfl', 'flux-2-max', { width: 2000, height: 1000 })).toMatchObject({ amount: 10, currency: 'credits', usd: 0.1 })
    // The model's own default size counts as one megapixel.
    expect(estimateJob(DEFAULT_PRICES, 'bfl', 'flux-2-pro')).toMatchObject({ amount: 3, usd: 0.03 })
    expect(estimateJob(DEFAULT_PRICES, 'letzai', 'images', { baseModel: 'flux2', mode: 'hd' })).toEqual({
      amount: 120,
      currency: 'credits',
      usd: null,
      reason: null
    })
    expect(estimateJob(DEFAULT_PRICES, 'wondercat', 'nano-banana-2', { resolution: '1K' })).toMatchObject({ amount: 0.004, usd: 0.004 })
    expect(estimateJob(DEFAULT_PRICES, 'apixo', 'veo-3-1', { mode: 'quality' })).toMatchObject({ amount: 1.5, usd: 1.5 })
    // APIXO's veo-3-1 defaults to fast.
    expect(estimateJob(DEFAULT_PRICES, 'apixo', 'veo-3-1')).toMatchObject({ amount: 0.2 })
  })

  it('is unknown, with the reason, where no source gives a price', () => {
    expect(estimateJob(DEFAULT_PRICES, 'umrgen', 'default')).toMatchObject({ amount: null, reason: 'no known price for UMRGEN / default' })
    // LetzAI's empty tier is the model's own default: not priced.
    expect(estimateJob(DEFAULT_PRICES, 'letzai', 'images', { baseModel: 'flux2' }).amount).toBeNull()
    expect(estimateJob(DEFAULT_PRICES, 'wondercat', 'nano-banana-2').amount).toBeNull()
    expect(estimateJob(DEFAULT_PRICES, 'bfl', 'flux-dev').amount).toBeNull()
    const e = estimateJobs(DEFAULT_PRICES, [
      { provider: 'umrgen', model: 'default', jobs: 3 },
      { provider: 'demo', model: 'images', jobs: 2 }
    ])
    expect(formatTotals(e.totals)).toBe('$0.06')
    expect(e.unknown).toEqual([expect.objectContaining({ provider: 'umrgen', jobs: 3 })])
  })

  it('turns a missing, negative or unknown-unit price into unknown, never free', () => {
    expect(priceProblem(undefined)).toBe('no price')
    expect(priceProblem({ unit: 'image', currency: 'usd', amount: -1 })).toBe('a negative price')
    expect(priceProblem({ unit: 'frame' as never, currency: 'usd', amount: 1 })).toBe('unknown unit "frame"')
    expect(priceProblem({ unit: 'image', currency: 'eur' as never, amount: 1 })).toBe('unknown currency "eur"')
    expect(priceProblem({ unit: 'image', currency: 'usd' })).toBe('no amount')
    expect(priceProblem({ unit: 'megapixel', currency: 'credits', amount: 1 })).toBe('no price for the first megapixel')
    // A hand-edited config.json with such prices: each job of that model is unknown.
    const table = priceTable({
      'demo/images': { unit: 'frame', currency: 'usd', amount: 1 } as unknown as PriceOverride,
      'demo/upscales': { unit: 'image', currency: 'usd', amount: -0.5 }
    })
    expect(estimateJob(table, 'demo', 'images')).toMatchObject({
      amount: null,
      reason: 'the price of Demo (offline simulator) / images is unusable: unknown unit "frame"'
    })
    expect(estimateJob(table, 'demo', 'upscales').amount).toBeNull()
    // A second per unit without a duration is unknown too.
    const perSecond = priceTable({ 'wondercat/seedance-2': { unit: 'second', currency: 'usd', amount: 0.1 } })
    expect(estimateJob(perSecond, 'wondercat', 'seedance-2')).toMatchObject({ amount: 0.5 })
    expect(estimateJob(perSecond, 'wondercat', 'sora2').amount).toBeNull()
  })

  it("takes the user's prices over the defaults, by the same keys", () => {
    const key = priceKey({ provider: 'letzai', model: 'images', when: { mode: '1k', baseModel: 'flux2' } })
    expect(key).toBe('letzai/images?baseModel=flux2&mode=1k')
    const table = priceTable({ [key]: { unit: 'image', currency: 'credits', amount: 50 }, 'umrgen/default': { unit: 'job', currency: 'usd', amount: 0 } })
    expect(estimateJob(table, 'letzai', 'images', { baseModel: 'flux2', mode: '1k' })).toMatchObject({ amount: 50 })
    expect(table.find((e) => priceKey(e) === key)).toMatchObject({ edited: true, source: 'Set by you in Settings' })
    // A price the user set to zero is theirs to set: free because they said so.
    expect(estimateJob(table, 'umrgen', 'default')).toMatchObject({ amount: 0, usd: 0 })
  })

  it('the contract refuses bad prices and budgets from the renderer', () => {
    expect(() => parseArg('updateSettings', { prices: { 'demo/images': { unit: 'image', currency: 'usd', amount: -1 } } })).toThrow(/prices/)
    expect(() => parseArg('updateSettings', { prices: { 'demo/images': { unit: 'frame', currency: 'usd', amount: 1 } } })).toThrow(
      /Invalid argument to updateSettings/
    )
    expect(() => parseArg('setBudget', { scope: 'week', key: '', amount: 1 })).toThrow(/scope/)
    expect(() => parseArg('setBudget', { scope: 'day', amount: -5 })).toThrow(/amount/)
    expect(() => parseArg('queuePrompts', { prompts: ['a'], budget: { amount: 1, currency: 'credits' } })).toThrow(/budget/)
  })
})
