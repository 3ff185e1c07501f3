import { PROVIDERS } from '../../../shared/catalogue'

/** One <option> per provider, by id, for a provider <select>. */
export function ProviderOptions() {
  return PROVIDERS.map((p) => (
    <option key={p.id} value={p.id}>
      {p.label}
    </option>
  ))
}
