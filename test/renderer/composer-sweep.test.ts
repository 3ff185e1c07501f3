// The composer's parameter sweep and the matrix it makes: the values a user types, checked against the
// parameter, become one queue call per value, and the batch's axes put them on the sheet's pages.
import { describe, expect, it } from 'vitest'
import { modelInfo } from '../../src/shared/catalogue'
import { matrixAxes, planMatrix } from '../../src/renderer/src/composer/matrix'
import { parseSweep, sweepableParams } from '../../src/renderer/src/composer/sweep'

const imageSpecs = modelInfo('demo', 'images')!.params!
const quality = imageSpecs.find((p) => p.name === 'quality')!

describe('parameter sweep', () => {
  it('reads ranges and lists, refusing values outside the parameter', () => {
    expect(parseSweep('1-5', quality, 100)).toEqual({ values: [1, 2, 3, 4, 5], problem: null })
    expect(parseSweep('5..3, 1', quality, 100)).toEqual({ values: [5, 4, 3, 1], problem: null })
    expect(parseSweep('1, 9', quality, 100).problem).toBe('Quality goes from 1 to 5; 9 is outside.')
    expect(parseSweep('high', quality, 100).problem).toBe('Quality: "high" is not a number.')
    expect(parseSweep('', quality, 100).problem).toMatch(/List the Quality values/)
    const baseModel = imageSpecs.find((p) => p.name === 'baseModel')!
    expect(parseSweep('flux2 phota', baseModel, 100)).toEqual({ values: ['flux2', 'phota'], problem: null })
    expect(parseSweep('dall-e', baseModel, 100).problem).toMatch(/has no value "dall-e"/)
    expect(parseSweep('1-5', undefined, 100).problem).toMatch(/Choose a parameter/)
  })

  it('offers only the parameters every chosen model has', () => {
    const names = (specs: ReturnType<typeof sweepableParams>) => specs.map((p) => p.name)
    expect(names(sweepableParams([imageSpecs]))).toEqual(['baseModel', 'mode', 'width', 'height', 'quality', 'creativity'])
    expect(names(sweepableParams([imageSpecs, modelInfo('demo', 'upscales')!.params]))).toEqual(['mode'])
    expect(sweepableParams([imageSpecs, undefined])).toEqual([])
  })

  it('makes one call per value, the value in its params, the sweep the sheet’s pages', () => {
    const plan = planMatrix({
      prompts: ['a', 'b'],
      models: [{ key: 'demo/images', params: { quality: 2, width: 1024 } }],
      variations: { mode: 'sweep', param: 'quality', values: [1, 3] }
    })
    expect(plan.jobs).toBe(4)
    expect(plan.calls.map((c) => [c.params, c.count, c.axes])).toEqual([
      [{ quality: 1, width: 1024 }, 1, { rows: 'prompt', cols: 'model', pages: 'param:quality' }],
      [{ quality: 3, width: 1024 }, 1, { rows: 'prompt', cols: 'model', pages: 'param:quality' }]
    ])
    expect(matrixAxes({ variations: { mode: 'count', count: 1 } })).toEqual({ rows: 'prompt', cols: 'model' })
    expect(matrixAxes({ variations: { mode: 'count', count: 3 } })).toEqual({ rows: 'prompt', cols: 'model', pages: 'variant' })
    expect(matrixAxes({ variations: { mode: 'seeds', seeds: [1, 2] } })).toEqual({ rows: 'prompt', cols: 'model', pages: 'param:seed' })
  })
})
