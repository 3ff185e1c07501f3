// The prompt-file rules the composer and the CLI share (the CLI's own tests cover the CSV edge cases).
import { describe, expect, it } from 'vitest'
import { readPrompts } from '../../src/shared/prompt-files'

describe('prompt files', () => {
  it('takes "parameters" for "params" in CSV headers and JSON lines, but not both at once', () => {
    const csv = readPrompts('prompt,parameters\nfox,"{""width"":1024}"\n', 'csv', { provider: 'demo', count: 1 })
    expect(csv.problems).toEqual([])
    expect(csv.rows[0].params).toEqual({ width: 1024 })
    const jsonl = readPrompts('{"prompt":"fox","parameters":{"width":1024}}\n{"prompt":"owl","params":{},"parameters":{}}\n', 'jsonl', { provider: 'demo', count: 1 })
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
    expect(readPrompts('prompt,model\nfox,videos\n', 'csv', { provider: 'demo', kind: 'image', count: 1 }).problems[0].message).toMatch(/makes video jobs, not image/)
  })

  it('groups rows into queue calls by provider, model, params and count, each pointing at its first line', () => {
    const { groups } = readPrompts('{"prompt":"a"}\n{"prompt":"b","count":3}\n{"prompt":"c"}\n{"prompt":"d","count":3}\n', 'jsonl', { provider: 'demo', count: 1 })
    expect(groups.map((g) => [g.prompts, g.count, g.jobs, g.firstLine])).toEqual([
      [['a', 'c'], 1, 2, 1],
      [['b', 'd'], 3, 6, 2]
    ])
  })
})
