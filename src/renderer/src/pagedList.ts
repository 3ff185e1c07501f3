// A sparse, page-cached window onto a server-side list far too long to hold (100,000 jobs): rows are
// fetched a page at a time as they scroll into view, patched in place when main pushes changes, and
// refreshed without losing the user's place when rows are inserted above them.

export interface Page<T> {
  total: number
  items: T[]
}

export type PageFetcher<T> = (offset: number, limit: number) => Promise<Page<T>>

const MAX_IN_FLIGHT = 2

export interface PagedListOptions<T> {
  pageSize: number
  /** Pages kept around the viewed area; farther ones are dropped and refetched when scrolled back to. */
  keepPages: number
  /** Whether a row from a page answer should replace the cached one (a slow answer may be older than a push). */
  replaces?: (incoming: T, cached: T) => boolean
  onError: (err: unknown) => void
}

/** Where the list was being viewed before a refresh, to find the same row again afterwards. */
interface Anchor {
  id: number
  index: number
  total: number
  /** When the row is not found near where it was, assume the new rows were all inserted above it. */
  assumeInsertedAbove: boolean
}

export class PagedList<T extends { id: number }> {
  total = 0
  /** False until the first page has answered: "no rows yet" and "empty" look different. */
  loaded = false
  private version = 0
  private readonly items = new Map<number, T>()
  private readonly indexById = new Map<number, number>()
  /** Pages answered in the current generation; any other cached row is stale (shown until replaced). */
  private readonly fresh = new Set<number>()
  private readonly inflight = new Set<number>()
  private waiting: number[] = []
  private generation = 0
  private anchor: Anchor | null = null
  private wanted: [number, number] = [0, 0]
  private readonly listeners = new Set<() => void>()
  private readonly shiftListeners = new Set<(by: number) => void>()

  constructor(
    private fetcher: PageFetcher<T>,
    private readonly options: PagedListOptions<T>
  ) {}

  /** For useSyncExternalStore. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getVersion = (): number => this.version

  /** Called when a refresh found the viewed rows moved by `by` places, so the view can scroll along. */
  onShift(listener: (by: number) => void): () => void {
    this.shiftListeners.add(listener)
    return () => this.shiftListeners.delete(listener)
  }

  get(index: number): T | undefined {
    return this.items.get(index)
  }

  indexOf(id: number): number | undefined {
    return this.indexById.get(id)
  }

  /**
   * Fetches the pages covering rows start..end (inclusive) that are missing or stale. Only a couple of
   * requests are in flight at a time and the waiting ones are replaced on every call, so dragging the
   * scrollbar across 100,000 rows asks for where it stops, not for every page it passed.
   */
  ensure(start: number, end: number): void {
    this.wanted = [start, end]
    const last = this.loaded ? Math.min(end, this.total - 1) : end
    const { pageSize } = this.options
    this.waiting = []
    for (let page = Math.floor(start / pageSize); page <= Math.floor(Math.max(start, last) / pageSize); page++) this.waiting.push(page)
    this.pump()
  }

  private pump(): void {
    while (this.inflight.size < MAX_IN_FLIGHT && this.waiting.length) {
      const page = this.waiting.shift()!
      if (!this.fresh.has(page) && !this.inflight.has(page)) void this.load(page)
    }
  }

  /**
   * The rows start..end (inclusive), for selecting a range: cached pages are used as they are, missing
   * ones fetched one after another and not cached (a range can be far bigger than the cache).
   */
  async range(start: number, end: number): Promise<T[]> {
    const { pageSize } = this.options
    const out: T[] = []
    for (let page = Math.floor(start / pageSize); page <= Math.floor(end / pageSize); page++) {
      const first = Math.max(start, page * pageSize)
      const last = Math.min(end, (page + 1) * pageSize - 1)
      const cached: T[] = []
      for (let i = first; i <= last; i++) {
        const item = this.items.get(i)
        if (!item) break
        cached.push(item)
      }
      if (cached.length === last - first + 1) out.push(...cached)
      else out.push(...(await this.fetcher(page * pageSize, pageSize)).items.slice(first - page * pageSize, last - page * pageSize + 1))
    }
    return out
  }

  /** Takes a first page answered elsewhere (the one main rendered the first screen from), as if loaded. */
  seed(answer: Page<T>): void {
    this.write(0, answer)
  }

  /** Replaces cached rows by id with pushed versions; rows not cached are ignored (they load fresh). */
  patch(updates: readonly T[]): void {
    let changed = false
    for (const next of updates) {
      const index = this.indexById.get(next.id)
      if (index === undefined) continue
      const cached = this.items.get(index)
      if (cached && this.options.replaces && !this.options.replaces(next, cached)) continue
      this.items.set(index, next)
      changed = true
    }
    if (changed) this.changed()
  }

  /**
   * Refetches what is in view, keeping the stale rows on screen until the fresh ones arrive (no flash).
   * With `anchorIndex`, the row shown there is looked for in the answer and the view told how far it moved.
   */
  refresh(anchorIndex: number | null, assumeInsertedAbove = false): void {
    const anchorItem = anchorIndex === null ? undefined : this.items.get(anchorIndex)
    this.anchor = anchorItem && anchorIndex !== null ? { id: anchorItem.id, index: anchorIndex, total: this.total, assumeInsertedAbove } : null
    this.generation++
    this.fresh.clear()
    this.inflight.clear()
    this.ensure(...this.wanted)
  }

  /** Starts over with a different query (a new filter or sort): nothing cached is valid any more. */
  reset(fetcher: PageFetcher<T>): void {
    this.fetcher = fetcher
    this.generation++
    this.items.clear()
    this.indexById.clear()
    this.fresh.clear()
    this.inflight.clear()
    this.waiting = []
    this.anchor = null
    this.total = 0
    this.loaded = false
    this.changed()
    this.ensure(0, 0)
  }

  private async load(page: number): Promise<void> {
    const gen = this.generation
    const { pageSize } = this.options
    this.inflight.add(page)
    try {
      const answer = await this.fetcher(page * pageSize, pageSize)
      if (gen === this.generation) this.write(page, answer)
    } catch (err) {
      if (gen === this.generation) this.options.onError(err)
    } finally {
      if (gen === this.generation) {
        this.inflight.delete(page)
        this.pump()
      }
    }
  }

  private write(page: number, answer: Page<T>): void {
    const { pageSize } = this.options
    const start = page * pageSize
    if (this.anchor && Math.floor(this.anchor.index / pageSize) === page) this.resolveAnchor(start, answer)
    this.total = answer.total
    this.loaded = true
    answer.items.forEach((item, k) => {
      const cached = this.items.get(start + k)
      if (cached && cached.id === item.id && this.options.replaces && !this.options.replaces(item, cached)) return
      this.place(start + k, item)
    })
    // A short page is the end of the list: whatever was cached past it is gone.
    for (let i = start + answer.items.length; i < start + pageSize; i++) this.remove(i)
    for (const i of [...this.items.keys()]) if (i >= this.total) this.remove(i)
    this.fresh.add(page)
    this.evictFarPages()
    this.changed()
    this.ensure(...this.wanted)
  }

  private resolveAnchor(pageStart: number, answer: Page<T>): void {
    const anchor = this.anchor!
    this.anchor = null
    const k = answer.items.findIndex((item) => item.id === anchor.id)
    const shift = k >= 0 ? pageStart + k - anchor.index : anchor.assumeInsertedAbove ? Math.max(0, answer.total - anchor.total) : 0
    if (shift === 0) return
    // Move the stale rows along with the anchor so the screen stays consistent until their pages arrive.
    const { pageSize } = this.options
    const moved = [...this.items].filter(([i]) => !this.fresh.has(Math.floor(i / pageSize)))
    for (const [i] of moved) this.remove(i)
    for (const [i, item] of moved) {
      const to = i + shift
      if (to >= 0 && !this.fresh.has(Math.floor(to / pageSize)) && !this.items.has(to)) this.place(to, item)
    }
    this.wanted = [this.wanted[0] + shift, this.wanted[1] + shift]
    for (const l of this.shiftListeners) l(shift)
  }

  private place(index: number, item: T): void {
    const previous = this.items.get(index)
    if (previous && this.indexById.get(previous.id) === index) this.indexById.delete(previous.id)
    const oldIndex = this.indexById.get(item.id)
    // The same row cached at two places (it moved between two page answers): the older copy is stale, and
    // the page it leaves a hole in must be fetched again.
    if (oldIndex !== undefined && oldIndex !== index) {
      this.items.delete(oldIndex)
      this.fresh.delete(Math.floor(oldIndex / this.options.pageSize))
    }
    this.items.set(index, item)
    this.indexById.set(item.id, index)
  }

  private remove(index: number): void {
    const item = this.items.get(index)
    if (!item) return
    this.items.delete(index)
    if (this.indexById.get(item.id) === index) this.indexById.delete(item.id)
  }

  private evictFarPages(): void {
    const { pageSize, keepPages } = this.options
    if (this.items.size <= keepPages * pageSize) return
    const center = Math.floor((this.wanted[0] + this.wanted[1]) / 2 / pageSize)
    const far = (page: number) => Math.abs(page - center) > keepPages / 2
    for (const i of [...this.items.keys()]) if (far(Math.floor(i / pageSize))) this.remove(i)
    for (const page of [...this.fresh]) if (far(page)) this.fresh.delete(page)
  }

  private changed(): void {
    this.version++
    for (const l of this.listeners) l()
  }
}
