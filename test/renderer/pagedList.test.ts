// The queue's and gallery's window onto 100,000 rows, against a fetcher the test answers by hand: pages
// fetched as they come into view (two at a time, the waiting ones replaced as the view moves), pushed rows
// patched in place, a refresh that keeps stale rows until fresh ones come and follows the viewed row when
// rows are inserted above it, far pages dropped, and ranges read through the cache.
import { describe, expect, it } from 'vitest'
import { PagedList, type Page } from '../../src/renderer/src/pagedList'

interface Row {
  id: number
  v: number
}

/** A server-side list of rows whose page requests the test answers when it chooses. */
function server(count: number) {
  let rows: Row[] = Array.from({ length: count }, (_, i) => ({ id: count - i, v: 0 }))
  const pending: { offset: number; limit: number; answer: () => void; fail: (err: Error) => void }[] = []
  const fetcher = (offset: number, limit: number) =>
    new Promise<Page<Row>>((resolve, reject) => {
      pending.push({ offset, limit, answer: () => resolve({ total: rows.length, items: rows.slice(offset, offset + limit) }), fail: reject })
    })
  return {
    fetcher,
    pending,
    set rows(next: Row[]) {
      rows = next
    },
    get rows() {
      return rows
    },
    /** Answers every request in flight (and those they lead to) until none is left. */
    async answerAll() {
      while (pending.length) {
        pending.shift()!.answer()
        await new Promise((r) => setImmediate(r))
      }
    }
  }
}

const errors: unknown[] = []
const make = (s: ReturnType<typeof server>, o: { keepPages?: number; replaces?: (a: Row, b: Row) => boolean } = {}) =>
  new PagedList<Row>(s.fetcher, { pageSize: 100, keepPages: o.keepPages ?? 10, replaces: o.replaces, onError: (e) => errors.push(e) })

describe('PagedList', () => {
  it('fetches the pages in view, two at a time, and only where the view stops when it moves on', async () => {
    const s = server(100_000)
    const list = make(s)
    list.ensure(0, 450)
    expect(s.pending.map((p) => p.offset)).toEqual([0, 100])
    // The view jumps far away before anything answered: the pages it passed are never asked for.
    list.ensure(50_000, 50_050)
    await s.answerAll()
    const asked = new Set<number>()
    for (let i = 0; i < 100_000; i += 100) if (list.get(i)) asked.add(i)
    expect([...asked].sort((a, b) => a - b)).toEqual([0, 100, 50_000])
    expect(list.total).toBe(100_000)
    expect(list.loaded).toBe(true)
    expect(list.get(50_000)).toEqual({ id: 50_000, v: 0 })
    expect(list.indexOf(50_000)).toBe(50_000)
  })

  it('patches cached rows by id, ignores rows it does not hold, and keeps a newer row over an older push', async () => {
    const s = server(1000)
    const list = make(s, { replaces: (incoming, cached) => incoming.v >= cached.v })
    list.ensure(0, 99)
    await s.answerAll()
    const version = list.getVersion()
    list.patch([
      { id: 1000, v: 2 },
      { id: 5, v: 9 }
    ])
    expect(list.get(0)).toEqual({ id: 1000, v: 2 })
    expect(list.getVersion()).toBeGreaterThan(version)
    list.patch([{ id: 1000, v: 1 }])
    expect(list.get(0)).toEqual({ id: 1000, v: 2 })
  })

  it('keeps stale rows on screen during a refresh and follows the viewed row when rows are inserted above it', async () => {
    const s = server(1000)
    const list = make(s)
    list.ensure(500, 520)
    await s.answerAll()
    const viewed = list.get(510)!
    const shifts: number[] = []
    list.onShift((by) => shifts.push(by))
    s.rows = [...Array.from({ length: 3 }, (_, i) => ({ id: 2000 + i, v: 0 })), ...s.rows]
    list.refresh(510)
    // Until the answer comes, the old rows stay where they were.
    expect(list.get(510)).toEqual(viewed)
    await s.answerAll()
    expect(shifts).toEqual([3])
    expect(list.get(513)).toEqual(viewed)
    expect(list.total).toBe(1003)
  })

  it('drops rows past the end when the list shrinks (a short page is the end)', async () => {
    const s = server(250)
    const list = make(s)
    list.ensure(0, 249)
    await s.answerAll()
    expect(list.get(249)).toBeDefined()
    s.rows = s.rows.slice(0, 180)
    list.refresh(null)
    await s.answerAll()
    expect(list.total).toBe(180)
    expect(list.get(179)).toBeDefined()
    expect(list.get(180)).toBeUndefined()
    expect(list.get(249)).toBeUndefined()
  })

  it('keeps only the pages around the view', async () => {
    const s = server(10_000)
    const list = make(s, { keepPages: 2 })
    list.ensure(0, 99)
    await s.answerAll()
    list.ensure(5000, 5099)
    await s.answerAll()
    list.ensure(5100, 5199)
    await s.answerAll()
    expect(list.get(0)).toBeUndefined()
    expect(list.get(5000)).toBeDefined()
    expect(list.get(5100)).toBeDefined()
  })

  it('reads a range through the cache and fetches only the missing pages, without caching them', async () => {
    const s = server(1000)
    const list = make(s)
    list.ensure(0, 99)
    await s.answerAll()
    const reading = list.range(50, 249)
    await new Promise((r) => setImmediate(r))
    expect(s.pending.map((p) => p.offset)).toEqual([100])
    await s.answerAll()
    await new Promise((r) => setImmediate(r))
    await s.answerAll()
    const rows = await reading
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 200 }, (_, i) => 1000 - 50 - i))
    expect(list.get(150)).toBeUndefined()
  })

  it('starts over on reset: nothing cached, not loaded, the first page asked again', async () => {
    const s = server(300)
    const list = make(s)
    list.ensure(0, 99)
    await s.answerAll()
    list.reset(s.fetcher)
    expect(list.loaded).toBe(false)
    expect(list.total).toBe(0)
    expect(list.get(0)).toBeUndefined()
    expect(s.pending.map((p) => p.offset)).toEqual([0])
  })

  it('reports a failed page and asks again on the next ensure', async () => {
    const s = server(300)
    const list = make(s)
    errors.length = 0
    list.ensure(0, 10)
    s.pending.shift()!.fail(new Error('socket closed'))
    await new Promise((r) => setImmediate(r))
    expect(errors).toHaveLength(1)
    list.ensure(0, 10)
    await s.answerAll()
    expect(list.get(0)).toBeDefined()
  })

  it('takes a seeded first page as loaded', () => {
    const s = server(0)
    const list = make(s)
    list.seed({
      total: 2,
      items: [
        { id: 2, v: 0 },
        { id: 1, v: 0 }
      ]
    })
    expect(list.loaded).toBe(true)
    expect(list.total).toBe(2)
    expect(list.get(1)).toEqual({ id: 1, v: 0 })
    expect(s.pending).toHaveLength(0)
  })
})
