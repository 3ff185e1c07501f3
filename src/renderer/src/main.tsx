import { firstPage } from './firstPage' // first of all: see firstPage.ts
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
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

void Promise.race([firstPage, new Promise((resolve) => setTimeout(resolve, FIRST_PAGE_WAIT_MS))]).then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>
  )
)
