// Composition of attempt-level wrappers, as undici's Dispatcher.compose() (STYLE #11): each
// wrapper adds one behaviour (delay, timeout, observation) around the next.
import type { Dispatch, Interceptor } from './types.js';

/** `compose(base, a, b)` is `a(b(base))`: the first wrapper listed is the outermost. */
export function compose(base: Dispatch, ...interceptors: Interceptor[]): Dispatch {
  return interceptors.reduceRight<Dispatch>((next, wrap) => wrap(next), base);
}
