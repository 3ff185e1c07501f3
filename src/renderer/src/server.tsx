// The Queue's first screen as HTML, rendered by main (in Node) into the page it serves, so the rows paint
// as soon as the page is parsed: before the app's script is loaded, compiled and run, which is most of a
// first start (BENCHMARKS.md). The app then takes that markup over (main.tsx), rendering from the same
// state (firstScreen.ts), so nothing is built twice.
import { StrictMode } from 'react'
import { renderToString } from 'react-dom/server'
import type { Bridge } from '../../shared/contract'
import type { FirstScreenHost, FirstScreenState, RenderFirstScreen } from '../../shared/firstScreen'
import { App } from './App'
import { provideBridge } from './bridge'
import { beginFirstScreen, endFirstScreen } from './firstScreen'
import { forgetKeptPagedLists } from './hooks/useKeptPagedList'
import { FIRST_SCREEN_QUERY, primeQueue } from './queue/useJobsPager'

/** What rendering reads (asset URLs); effects, which call everything else, do not run here. */
function serverBridge(host: FirstScreenHost): Bridge {
  const local = { assetUrl: host.assetUrl, on: () => () => {} }
  return new Proxy(local, {
    get: (target, name) =>
      name in target
        ? target[name as keyof typeof local]
        : () => Promise.reject(new Error(`${String(name)} is not available while main renders the first screen`))
  }) as unknown as Bridge
}

export const renderFirstScreen: RenderFirstScreen = async (host) => {
  const state: FirstScreenState = { jobs: await host.listJobs(FIRST_SCREEN_QUERY), now: Date.now() }
  // From here on all is synchronous: renders of pages asked for at once cannot mix their state.
  provideBridge(serverBridge(host))
  forgetKeptPagedLists()
  beginFirstScreen(state)
  void primeQueue(state.jobs)
  try {
    const html = renderToString(
      <StrictMode>
        <App />
      </StrictMode>
    )
    return { html, state }
  } finally {
    endFirstScreen()
  }
}
