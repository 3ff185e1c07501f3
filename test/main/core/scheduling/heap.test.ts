// The min-heap that holds every job's next time: pops in due order whatever the order of pushes, with
// duplicates, and interleaved pushes and pops.
import { describe, expect, it } from 'vitest'
import { MinHeap } from '../../../../src/main/core/scheduling/heap'
import { prng } from '../../../helpers/prng'

describe('MinHeap', () => {
  it('is empty at first', () => {
    const h = new MinHeap<number>()
    expect(h.size).toBe(0)
    expect(h.peek()).toBeUndefined()
    expect(h.pop()).toBeUndefined()
  })

  it('pops 10,000 random due times in sorted order', () => {
    const random = prng(42)
    const h = new MinHeap<number>()
    const dues = Array.from({ length: 10_000 }, () => Math.floor(random() * 1000))
    dues.forEach((d, i) => h.push(d, i))
    expect(h.size).toBe(10_000)
    const out: number[] = []
    for (let e = h.pop(); e; e = h.pop()) out.push(e.due)
    expect(out).toEqual([...dues].sort((a, b) => a - b))
  })

  it('keeps the earliest on top through interleaved pushes and pops', () => {
    const random = prng(7)
    const h = new MinHeap<string>()
    const model: number[] = []
    for (let i = 0; i < 5000; i++) {
      if (model.length && random() < 0.4) {
        model.sort((a, b) => a - b)
        expect(h.pop()?.due).toBe(model.shift())
      } else {
        const due = Math.floor(random() * 100)
        h.push(due, `v${i}`)
        model.push(due)
      }
      expect(h.peek()?.due).toBe(model.length ? Math.min(...model) : undefined)
    }
  })

  it('carries each value with its due time', () => {
    const h = new MinHeap<{ id: number }>()
    h.push(30, { id: 3 })
    h.push(10, { id: 1 })
    h.push(20, { id: 2 })
    expect([h.pop(), h.pop(), h.pop()].map((e) => e?.value.id)).toEqual([1, 2, 3])
  })
})
