// The prompt-file rules the composer and the CLI share (the CLI's own tests cover the CSV edge cases).
import { describe, expect, it } from 'vitest'
import { providerInfo } from '../../src/shared/catalogue'
import { linesNotQueued, readPrompts } from '../../src/shared/prompt-files'

describe('prompt files', () => {
  it('takes "parameters" for "params" in CSV headers and JSON lines, but not both at once', () => {
    const csv = readPrompts('prompt,parameters\nfox,"{""width"":1024}"\n', 'csv', { provider: 'demo', count: 1 })
    expect(csv.problems).toEqual([])
    expect(csv.rows[0].params).toEqual({ width: 1024 })
    const jsonl = readPrompts('{"prompt":"fox","parameters":{"width":1024}}\n{"prompt":"owl","params":{},"parameters":{}}\n', 'jsonl', {
      provider: 'demo',
      count: 1
    })
    expect(jsonl.rows.map((r) => r.params)).toEqual([{ width: 1024 }])
    expect(jsonl.problems).toEqual([{ line: 2, message: expect.stringMatching(/both "params" and "parameters"/) }])
  })

  it('applies the default model only on its own provider, and picks by kind otherwise', () => {
    // A video starts from a picture (LetzAI's video endpoint needs one), named in the input column.
    const d = { provider: 'demo' as const, model: 'videos', count: 1 }
    const { rows } = readPrompts('prompt,provider,input\nfox,,/in/fox.png\nowl,bfl,\n', 'csv', d)
    expect(rows.map((r) => [r.provider, r.model])).toEqual([
      ['demo', 'videos'],
      ['bfl', 'flux-2-pro']
    ])
    expect(readPrompts('prompt,input\nfox,/in/fox.png\n', 'csv', { provider: 'demo', kind: 'video', count: 1 }).rows[0].model).toBe('videos')
    expect(readPrompts('prompt\nfox\n', 'txt', { provider: 'demo', kind: 'video', count: 1 }).problems[0].message).toMatch(/needs an input image/)
    expect(readPrompts('prompt,model\nfox,videos\n', 'csv', { provider: 'demo', kind: 'image', count: 1 }).problems[0].message).toMatch(
      /makes video jobs, not image/
    )
  })

  it('points an unclosed quote at the line it opened on, reads on from the next line, and counts every line it keeps out', () => {
    const d = { provider: 'demo' as const, count: 1 }
    // Line 5 opens a quote it never closes; line 6 is good and starts with a quote of its own.
    const csv = 'prompt,model\na fox,images\nan owl,images\na hen,images\n"a cat,images\n"a dog",images\n'
    const read = readPrompts(csv, 'csv', d)
    expect(read.problems).toEqual([{ line: 5, message: expect.stringMatching(/quote opened on this line is never closed.*next quote, on line 6/) }])
    expect(read.rows.map((r) => [r.line, r.prompt])).toEqual([
      [2, 'a fox'],
      [3, 'an owl'],
      [4, 'a hen'],
      [6, 'a dog']
    ])
    // A quote never closed at all keeps no row after it out either.
    const open = readPrompts('prompt\n"a cat\na dog\n', 'csv', d)
    expect(open.problems).toEqual([{ line: 2, message: expect.stringMatching(/never closed.*no other quote follows/) }])
    expect(open.rows.map((r) => r.prompt)).toEqual(['a dog'])
    // A bad record over two lines keeps two lines out, and the count says two.
    const spanning = readPrompts('prompt,count\n"two\nlines",0\nok,1\n', 'csv', d)
    expect(spanning.problems).toEqual([{ line: 2, lastLine: 3, message: expect.stringMatching(/count must be/) }])
    expect(linesNotQueued(spanning.problems)).toBe(2)
    expect(
      linesNotQueued([
        { line: 4, message: 'a' },
        { line: 4, message: 'b' },
        { line: 2, lastLine: 4, message: 'c' }
      ])
    ).toBe(3)
  })

  it('takes the model and provider names the app shows (any case), as well as ids', () => {
    const d = { provider: 'demo' as const, count: 1 }
    const videoLabel = providerInfo('demo')
      .models.find((m) => m.id === 'videos')!
      .label.toLowerCase()
    const { rows, problems } = readPrompts(
      `prompt,provider,model,input\na,Demo,Image,\nb,demo,IMAGES,\nc,DEMO,Video,/in/c.png\nd,demo,${videoLabel},/in/d.png\n`,
      'csv',
      d
    )
    expect(problems).toEqual([])
    expect(rows.map((r) => [r.provider, r.model])).toEqual([
      ['demo', 'images'],
      ['demo', 'images'],
      ['demo', 'videos'],
      ['demo', 'videos']
    ])
    expect(readPrompts('prompt,provider\na,Nowhere\n', 'csv', d).problems[0].message).toMatch(/unknown provider "Nowhere"/)
  })

  it('groups rows into queue calls by provider, model, params and count, each pointing at its first line', () => {
    const { groups } = readPrompts('{"prompt":"a"}\n{"prompt":"b","count":3}\n{"prompt":"c"}\n{"prompt":"d","count":3}\n', 'jsonl', {
      provider: 'demo',
      count: 1
    })
    expect(groups.map((g) => [g.prompts, g.count, g.jobs, g.firstLine])).toEqual([
      [['a', 'c'], 1, 2, 1],
      [['b', 'd'], 3, 6, 2]
    ])
  })
})
