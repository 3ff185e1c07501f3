import { firstPage } from './firstPage' // first of all: see firstPage.ts
import { StrictMode } from 'react'
import { createRoot, hydrateRoot } from 'react-dom/client'
import { App } from './App'
import { firstScreen } from './firstScreen'
import './styles/theme.css'
import './styles/app.css'
import './styles/queue.css'
import './styles/gallery.css'
import './styles/composer.css'
import './styles/settings.css'

/**
 * The app opens on the Queue. Its first page was asked for first thing (firstPage.ts), and the first
 * render waits for it (a moment at most), so the first frame shows rows: rendering placeholders first and
 * rows after costs a whole extra render, commit and layout on a cold page (BENCHMARKS.md).
 */
const FIRST_PAGE_WAIT_MS = 250

const app = (
  <StrictMode>
    <App />
  </StrictMode>
)
const screen = document.querySelector<HTMLElement>('#root > .first-screen')

/**
 * Whether the page's policy let the first screen's style attributes apply (main allows each by its hash).
 * If it did not, its rows are not where they belong, and React would keep them so: the app builds its own
 * screen instead.
 */
const stylesApplied = (el: HTMLElement) => (el.querySelector<HTMLElement>('[style]')?.style.length ?? 1) > 0

if (firstScreen() && screen && stylesApplied(screen)) {
  // Main rendered the first screen into the page (server.tsx): take its markup over instead of building it
  // again. It takes clicks and keys from now on; React replays those that come before it is done.
  screen.removeAttribute('inert')
  hydrateRoot(screen, app, {
    onRecoverableError: (err) => console.warn('Batch Studio: the first screen differed from the app, which rendered its own.', err)
  })
} else {
  void Promise.race([firstPage, new Promise((resolve) => setTimeout(resolve, FIRST_PAGE_WAIT_MS))]).then(() =>
    createRoot(document.getElementById('root')!).render(app)
  )
}
