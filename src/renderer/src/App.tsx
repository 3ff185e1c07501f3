// The shell: tabs for the views, the composer beside them (so a batch can be queued from any view),
// the status bar and toasts, and the app-wide shortcuts. The composer's input pictures are held here, so the
// Gallery can hand it a picture ("Use as input") and bring the user to the queue to go on.
import { useCallback, useEffect, type ReactNode } from 'react'
import { AppDataProvider } from './appData'
import { Composer } from './composer/Composer'
import { ComposerInputsProvider } from './composer/composerInputs'
import { AfterFirstPaint } from './components/AfterFirstPaint'
import { endFirstScreen } from './firstScreen'
import { Icon, type IconName } from './components/Icon'
import { StatusBar } from './components/StatusBar'
import { ToastStack } from './components/ToastStack'
import { MOD_KEY } from './format'
import { Gallery } from './gallery/Gallery'
import { CompareView } from './compare/CompareView'
import { useSessionState } from './hooks/useSessionState'
import { QueueView } from './queue/QueueView'
import { SettingsView } from './settings/SettingsView'
import { ToastProvider } from './toasts'

type View = 'queue' | 'gallery' | 'compare' | 'settings'

const VIEWS: readonly { id: View; label: string; icon: IconName; render: () => ReactNode }[] = [
  { id: 'queue', label: 'Queue', icon: 'queue', render: () => <QueueView /> },
  { id: 'gallery', label: 'Gallery', icon: 'gallery', render: () => <Gallery /> },
  { id: 'compare', label: 'Compare', icon: 'image', render: () => <CompareView /> },
  { id: 'settings', label: 'Settings', icon: 'settings', render: () => <SettingsView /> }
]

/** A User Timing mark at the app's first commit: from then on it answers clicks and keys (bench/ui-scale.ts). */
const READY_MARK = 'batch-studio:ready'

export function App() {
  useEffect(() => {
    // Its first commit done (and every effect in it run): the first screen main rendered is now the app's.
    endFirstScreen()
    performance.mark(READY_MARK)
  }, [])
  return (
    <ToastProvider>
      <AppDataProvider>
        <Shell />
      </AppDataProvider>
    </ToastProvider>
  )
}

/** Mod+B shows or hides the composer (the side bar key of common editors). */
const COMPOSER_KEY = 'b'

function Shell() {
  const [view, setView] = useSessionState<View>('app.view', 'queue')
  // Hidden, the composer keeps its prompts and choices (it stays mounted); the view gets its width.
  const [composerOpen, setComposerOpen] = useSessionState('app.composerOpen', true)

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return
      if (e.key.toLowerCase() === COMPOSER_KEY) {
        e.preventDefault()
        setComposerOpen((open) => !open)
        return
      }
      const target = VIEWS[Number(e.key) - 1]
      if (!target) return
      e.preventDefault()
      setView(target.id)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [setView, setComposerOpen])

  const showQueue = useCallback(() => setView('queue'), [setView])

  const current = VIEWS.find((v) => v.id === view) ?? VIEWS[0]
  return (
    <ComposerInputsProvider onAssetsUsed={showQueue}>
      <div className="app">
        <header className="top-bar">
          <button
            type="button"
            className="composer-toggle"
            aria-expanded={composerOpen}
            aria-keyshortcuts={`${MOD_KEY === '⌘' ? 'Meta' : 'Control'}+B`}
            title={`${composerOpen ? 'Hide' : 'Show'} the composer (${MOD_KEY}+B)`}
            onClick={() => setComposerOpen(!composerOpen)}
          >
            <Icon name={composerOpen ? 'left' : 'right'} size={14} />
            Composer
          </button>
          <div className="brand">
            <span className="brand-mark" aria-hidden="true" />
            Batch Studio
          </div>
          <nav className="tabs" role="tablist" aria-label="Views">
            {VIEWS.map((v, i) => (
              <button
                key={v.id}
                type="button"
                role="tab"
                id={`tab-${v.id}`}
                aria-selected={v.id === view}
                aria-controls="view-panel"
                tabIndex={v.id === view ? 0 : -1}
                className="tab"
                title={`${v.label} (${MOD_KEY}+${i + 1})`}
                onClick={() => setView(v.id)}
                onKeyDown={(e) => {
                  // Arrow keys move between tabs, per the ARIA tabs pattern.
                  const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0
                  if (!step) return
                  const next = VIEWS[(i + step + VIEWS.length) % VIEWS.length]
                  setView(next.id)
                  document.getElementById(`tab-${next.id}`)?.focus()
                }}
              >
                <Icon name={v.icon} />
                {v.label}
              </button>
            ))}
          </nav>
        </header>
        <div className={`workspace${composerOpen ? '' : ' composer-hidden'}`}>
          {/* Its form controls were about half of the page's first layout (BENCHMARKS.md): the Queue's rows go first. */}
          <AfterFirstPaint placeholder={<aside className="composer" aria-label="Composer" />}>
            <Composer />
          </AfterFirstPaint>
          <main className="view" id="view-panel" role="tabpanel" aria-labelledby={`tab-${current.id}`}>
            {current.render()}
          </main>
        </div>
        <StatusBar />
        <ToastStack />
      </div>
    </ComposerInputsProvider>
  )
}
