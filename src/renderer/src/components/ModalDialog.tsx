// A modal dialog on the platform's <dialog>: focus moves into it and stays there, the page behind is
// inert, Escape closes it. Open while mounted; the caller unmounts it to close.
import { useEffect, useId, useRef, type ReactNode } from 'react'
import { Icon } from './Icon'
import '../styles/dialog.css'

interface ModalDialogProps {
  title: string
  /** Escape, the close button and a click on the backdrop; not offered while `busy`. */
  onClose(): void
  children: ReactNode
  /** The buttons, right-aligned at the bottom. */
  actions?: ReactNode
  busy?: boolean
  wide?: boolean
  testId?: string
}

export function ModalDialog({ title, onClose, children, actions, busy = false, wide = false, testId }: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    const dialog = ref.current
    if (!dialog || dialog.open) return
    // The element that had focus gets it back when the dialog goes.
    const previous = document.activeElement as HTMLElement | null
    dialog.showModal()
    return () => {
      dialog.close()
      previous?.focus?.()
    }
  }, [])
  return (
    <dialog
      ref={ref}
      className={`modal${wide ? ' wide' : ''}`}
      aria-labelledby={titleId}
      data-testid={testId}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return
        // Handled here, so the drawer or grid behind does not also act on it.
        e.preventDefault()
        e.stopPropagation()
        if (!busy) onClose()
      }}
      onCancel={(e) => e.preventDefault()}
      onMouseDown={(e) => {
        if (e.target === ref.current && !busy) onClose()
      }}
    >
      <div className="modal-box">
        <header className="modal-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-button" aria-label="Close" disabled={busy} onClick={onClose}>
            <Icon name="close" />
          </button>
        </header>
        <div className="modal-body">{children}</div>
        {actions && <footer className="modal-actions">{actions}</footer>}
      </div>
    </dialog>
  )
}
