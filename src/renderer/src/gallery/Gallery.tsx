// The Gallery tab: every downloaded result as a virtualised grid of thumbnails (rows of as many tiles as
// fit the chosen size), searchable by prompt, opening into the lightbox. Reads only the local library,
// so it works offline.
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react'
import type { Asset } from '../../../shared/contract'
import { AssetThumb } from '../components/AssetMedia'
import { Icon } from '../components/Icon'
import { formatCount } from '../format'
import { useDebounced } from '../hooks/useDebounced'
import { useStableCallback } from '../hooks/useLatest'
import { sessionValue, useSessionState } from '../hooks/useSessionState'
import { errorMessage, useToasts } from '../toasts'
import { Lightbox } from './Lightbox'
import { useGalleryPager } from './useGalleryPager'

const GAP = 8
const PADDING = 16
const MIN_TILE = 96
const MAX_TILE = 360
const SETTLE_MS = 90
const scrollMemory = sessionValue('gallery.scrollTop', 0)

function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0)
  useLayoutEffect(() => {
    const el = ref.current
    if (!el) return
    const observer = new ResizeObserver(() => setWidth(el.clientWidth))
    observer.observe(el)
    setWidth(el.clientWidth)
    return () => observer.disconnect()
  }, [ref])
  return width
}

export function Gallery() {
  const { push } = useToasts()
  const [search, setSearch] = useSessionState('gallery.search', '')
  const [tileTarget, setTileTarget] = useSessionState('gallery.tile', 180)
  const [open, setOpen] = useState<number | null>(null)
  const text = useDebounced(search, 250)
  const scrollRef = useRef<HTMLDivElement>(null)

  const width = Math.max(0, useWidth(scrollRef) - PADDING * 2)
  const columns = Math.max(1, Math.floor((width + GAP) / (tileTarget + GAP)))
  const tile = width ? (width - GAP * (columns - 1)) / columns : tileTarget
  const rowHeight = tile + GAP

  const getAnchor = useCallback(() => {
    const el = scrollRef.current
    if (!el || el.scrollTop < rowHeight / 2) return null
    return Math.floor(el.scrollTop / rowHeight) * columns
  }, [rowHeight, columns])
  const onError = useCallback((err: unknown) => push('error', `Could not load the gallery: ${errorMessage(err)}`), [push])
  const list = useGalleryPager(text, getAnchor, onError)

  // A new search starts at the top (but coming back to the tab restores where the user was).
  const shownText = useRef(text)
  useEffect(() => {
    if (shownText.current === text) return
    shownText.current = text
    scrollRef.current?.scrollTo({ top: 0 })
  }, [text])

  const virtualizer = useVirtualizer({
    count: Math.ceil(list.total / columns),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 3,
    paddingStart: PADDING,
    paddingEnd: PADDING,
    initialOffset: scrollMemory.get
  })
  useEffect(() => virtualizer.measure(), [virtualizer, rowHeight])

  const rows = virtualizer.getVirtualItems()
  const firstRow = rows[0]?.index ?? 0
  const lastRow = rows[rows.length - 1]?.index ?? 0
  // While the scrollbar is being dragged, fetch only where it comes to rest.
  const scrolling = virtualizer.isScrolling
  useEffect(() => {
    if (!rows.length) return
    const timer = setTimeout(() => list.ensure(firstRow * columns, (lastRow + 1) * columns - 1), scrolling ? SETTLE_MS : 0)
    return () => clearTimeout(timer)
  }, [list, firstRow, lastRow, columns, rows.length, scrolling])

  // New results arrive at the top; when the user is scrolled down, keep what they look at where it was.
  const pendingRows = useRef(0)
  useEffect(() => list.onShift((by) => (pendingRows.current += Math.floor(by / columns))), [list, columns])
  useLayoutEffect(() => {
    const el = scrollRef.current
    if (!el || pendingRows.current === 0) return
    el.scrollTop += pendingRows.current * rowHeight
    pendingRows.current = 0
  })
  // The open item is held by position; follow it when items are inserted before it.
  useEffect(() => list.onShift((by) => setOpen((i) => (i === null ? i : i + by))), [list])

  const openItem = useStableCallback((index: number) => setOpen(index))
  const navigate = useCallback(
    (index: number) => {
      setOpen(index)
      virtualizer.scrollToIndex(Math.floor(index / columns), { align: 'auto' })
    },
    [virtualizer, columns]
  )
  const close = useCallback(() => setOpen(null), [])

  return (
    <div className="gallery-view">
      <div className="toolbar">
        <label className="search-field">
          <Icon name="search" />
          <input type="search" aria-label="Search gallery" placeholder="Search prompts…" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        <span className="muted gallery-count">{list.loaded ? `${formatCount(list.total)} ${list.total === 1 ? 'item' : 'items'}` : 'Loading…'}</span>
        <label className="size-slider">
          <Icon name="gallery" size={14} />
          <input type="range" aria-label="Thumbnail size" min={MIN_TILE} max={MAX_TILE} step={4} value={tileTarget} onChange={(e) => setTileTarget(Number(e.target.value))} />
        </label>
      </div>
      <div ref={scrollRef} className="gallery-scroll" onScroll={() => scrollMemory.set(scrollRef.current?.scrollTop ?? 0)}>
        <div className="gallery-rows" style={{ height: virtualizer.getTotalSize() }}>
          {rows.map((row) => (
            <div key={row.key} className="gallery-row" style={{ transform: `translateY(${row.start}px)`, height: tile, gap: GAP, left: PADDING, right: PADDING }}>
              {Array.from({ length: columns }, (_, col) => {
                const index = row.index * columns + col
                if (index >= list.total) return null
                const asset = list.get(index)
                return asset ? (
                  <GalleryTile key={asset.id} asset={asset} index={index} size={tile} onOpen={openItem} />
                ) : (
                  <div key={`pending-${index}`} className="gallery-tile pending" style={{ width: tile, height: tile }} />
                )
              })}
            </div>
          ))}
        </div>
        {list.loaded && list.total === 0 && (
          <div className="empty-state">
            <Icon name="image" size={28} />
            <p>{text.trim() ? `Nothing matches “${text.trim()}”.` : 'No results yet. Finished jobs land here.'}</p>
          </div>
        )}
      </div>
      {open !== null && <Lightbox list={list} index={open} onNavigate={navigate} onClose={close} />}
    </div>
  )
}

const GalleryTile = memo(function GalleryTile({ asset, index, size, onOpen }: { asset: Asset; index: number; size: number; onOpen(index: number): void }) {
  return (
    <button type="button" className="gallery-tile" data-testid="gallery-item" data-asset-id={asset.id} style={{ width: size, height: size }} title={asset.prompt} onClick={() => onOpen(index)}>
      <AssetThumb assetId={asset.id} mime={asset.mime} alt={asset.prompt} className="gallery-thumb" />
      {asset.missing && <span className="tile-badge">missing</span>}
      <span className="tile-caption" aria-hidden="true">
        {asset.prompt}
      </span>
    </button>
  )
})
