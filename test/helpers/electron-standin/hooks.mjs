// Module resolution hook (node:module register): `electron` is the stand-in; everything else as usual.
const STANDIN = new URL('./electron.mjs', import.meta.url).href

export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: STANDIN, shortCircuit: true }
  return next(specifier, context)
}
