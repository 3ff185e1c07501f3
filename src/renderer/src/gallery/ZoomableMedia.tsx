// The lightbox's media, zoomable when it is an image: the wheel zooms about the pointer, + / - / 0 zoom in,
// out and back to fit, a double click toggles 2×, and when zoomed in a drag pans. Remounted per item (keyed
// by the caller), so every result opens fitted.
import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react'
import type { Asset } from '../../../shared/contract'
import { AssetMedia } from '../components/AssetMedia'
import { Icon } from '../components/Icon'
import { mediaType } from '../format'

const MIN = 1
const MAX = 8
const STEP = 1.25

interface View {
  scale: number
  x: number
  y: number
}

const FIT: View = { scale: 1, x: 0, y: 0 }

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName))
}

export function ZoomableMedia({ asset, onBackgroundClick }: { asset: Asset; onBackgroundClick(): void }) {
  const zoomable = mediaType(asset.mime) === 'image' && !asset.missing
  const stageRef = useRef<HTMLDivElement>(null)
  const canvasRef = useRef<HTMLDivElement>(null)
  const [view, setView] = useState<View>(FIT)
  const drag = useRef<{ id: number; x: number; y: number; moved: boolean } | null>(null)

  /** Keeps the image covering the stage: no panning it out of sight. */
  const clamp = useCallback((v: View): View => {
    const el = canvasRef.current
    const scale = Math.min(MAX, Math.max(MIN, v.scale))
    if (!el || scale === 1) return { scale, x: 0, y: 0 }
    const maxX = ((scale - 1) * el.offsetWidth) / 2
    const maxY = ((scale - 1) * el.offsetHeight) / 2
    return { scale, x: Math.min(maxX, Math.max(-maxX, v.x)), y: Math.min(maxY, Math.max(-maxY, v.y)) }
  }, [])

  /** Zooms by `factor` keeping the point (px, py), relative to the stage's centre, where it is. */
  const zoomAt = useCallback(
    (factor: number, px = 0, py = 0) =>
      setView((v) => {
        const scale = Math.min(MAX, Math.max(MIN, v.scale * factor))
        const k = scale / v.scale
        return clamp({ scale, x: px - (px - v.x) * k, y: py - (py - v.y) * k })
      }),
    [clamp]
  )

  const fromCentre = (clientX: number, clientY: number): [number, number] => {
    const r = stageRef.current!.getBoundingClientRect()
    return [clientX - (r.left + r.width / 2), clientY - (r.top + r.height / 2)]
  }

  // A native listener: React's wheel listener is passive, and the page must not scroll or zoom instead.
  useEffect(() => {
    const el = stageRef.current
    if (!el || !zoomable) return
    const onWheel = (e: WheelEvent) => {
      e.preventDefault()
      const r = el.getBoundingClientRect()
      const delta = e.deltaMode === 1 ? e.deltaY * 33 : e.deltaY
      zoomAt(Math.exp(-delta * (e.ctrlKey ? 0.01 : 0.002)), e.clientX - (r.left + r.width / 2), e.clientY - (r.top + r.height / 2))
    }
    el.addEventListener('wheel', onWheel, { passive: false })
    return () => el.removeEventListener('wheel', onWheel)
  }, [zoomable, zoomAt])

  useEffect(() => {
    if (!zoomable) return
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return
      if (e.key === '+' || e.key === '=') zoomAt(STEP)
      else if (e.key === '-' || e.key === '_') zoomAt(1 / STEP)
      else if (e.key === '0') setView(FIT)
      else return
      e.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [zoomable, zoomAt])

  // Zooming is relative to the stage's size; a resized window refits.
  useEffect(() => {
    const el = stageRef.current
    if (!el) return
    const observer = new ResizeObserver(() => setView((v) => clamp(v)))
    observer.observe(el)
    return () => observer.disconnect()
  }, [clamp])

  const onPointerDown = (e: ReactPointerEvent) => {
    if (!zoomable || e.button !== 0 || view.scale === 1) return
    e.currentTarget.setPointerCapture(e.pointerId)
    drag.current = { id: e.pointerId, x: e.clientX, y: e.clientY, moved: false }
  }
  const onPointerMove = (e: ReactPointerEvent) => {
    const d = drag.current
    if (!d || d.id !== e.pointerId) return
    const dx = e.clientX - d.x
    const dy = e.clientY - d.y
    if (Math.abs(dx) + Math.abs(dy) > 2) d.moved = true
    d.x = e.clientX
    d.y = e.clientY
    setView((v) => clamp({ ...v, x: v.x + dx, y: v.y + dy }))
  }
  const endDrag = (e: ReactPointerEvent) => {
    if (drag.current?.id === e.pointerId) setTimeout(() => (drag.current = null))
  }

  const zoomed = view.scale > 1
  return (
    <>
      <div
        ref={stageRef}
        className={`zoom-stage${zoomable ? ' zoomable' : ''}${zoomed ? ' zoomed' : ''}`}
        data-testid="zoom-stage"
        data-zoom={view.scale.toFixed(2)}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endDrag}
        onPointerCancel={endDrag}
        onDragStart={(e) => e.preventDefault()}
        onDoubleClick={(e) => {
          if (!zoomable) return
          if (zoomed) setView(FIT)
          else zoomAt(2, ...fromCentre(e.clientX, e.clientY))
        }}
        onClick={(e) => {
          // A click beside the picture closes the lightbox, as before; not at the end of a pan.
          const background = e.target === e.currentTarget || (e.target as HTMLElement).classList.contains('zoom-canvas')
          if (background && !zoomed && !drag.current?.moved) onBackgroundClick()
        }}
      >
        <div ref={canvasRef} className="zoom-canvas" style={zoomable ? { transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})` } : undefined}>
          <AssetMedia asset={asset} className="lightbox-media" />
        </div>
      </div>
      {zoomable && (
        <div className="zoom-controls" role="group" aria-label="Zoom">
          <button
            type="button"
            className="icon-button"
            aria-label="Zoom out"
            title="Zoom out (−)"
            disabled={view.scale <= MIN}
            onClick={() => zoomAt(1 / STEP)}
          >
            <Icon name="minus" size={14} />
          </button>
          <button type="button" className="zoom-level" title="Fit (0)" aria-label="Fit to window" onClick={() => setView(FIT)}>
            {zoomed ? `${Math.round(view.scale * 100)}%` : 'Fit'}
          </button>
          <button type="button" className="icon-button" aria-label="Zoom in" title="Zoom in (+)" disabled={view.scale >= MAX} onClick={() => zoomAt(STEP)}>
            <Icon name="plus" size={14} />
          </button>
        </div>
      )}
    </>
  )
}
