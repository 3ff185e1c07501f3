// A binary min-heap keyed by due time: the one schedule of every job's next action.

export interface Entry<T> {
  due: number
  value: T
}

export class MinHeap<T> {
  private items: Entry<T>[] = []

  get size(): number {
    return this.items.length
  }

  peek(): Entry<T> | undefined {
    return this.items[0]
  }

  push(due: number, value: T): void {
    const items = this.items
    items.push({ due, value })
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (items[parent].due <= items[i].due) break
      ;[items[parent], items[i]] = [items[i], items[parent]]
      i = parent
    }
  }

  pop(): Entry<T> | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (items.length > 0 && last) {
      items[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < items.length && items[l].due < items[m].due) m = l
        if (r < items.length && items[r].due < items[m].due) m = r
        if (m === i) break
        ;[items[m], items[i]] = [items[i], items[m]]
        i = m
      }
    }
    return top
  }
}
