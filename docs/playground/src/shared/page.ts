// What every playground page shares: its stylesheet, the kernels line, and the moment it becomes
// interactive (recorded for the tests, which require under 2 s from a cold load).
import { kernelOptions } from '@chainrule/graph';
import './style.css';

/** The test hook each page publishes on `globalThis.playground`. */
export interface PlaygroundHook {
  /** Milliseconds from navigation start until the page first answered its controls. */
  interactiveAt?: number;
  /** Page-specific state the tests read. */
  [key: string]: unknown;
}

/** The page's hook object, created on first use. */
export function hook(): PlaygroundHook {
  const g = globalThis as { playground?: PlaygroundHook };
  return (g.playground ??= {});
}

/**
 * Records that the page is interactive: its controls are wired and its first results drawn. Sets
 * `data-ready` on the root element (for tests and styles) and `playground.interactiveAt`.
 */
export function markReady(): void {
  hook().interactiveAt = performance.now();
  document.documentElement.dataset['ready'] = 'true';
}

/** Writes which kernels chainrule runs on into the page's footer line (`#kernels`). */
export function showKernels(): void {
  const k = kernelOptions();
  const line = document.getElementById('kernels');
  if (line !== null) {
    line.textContent = `chainrule kernels: ${k.backend}, ${k.threads} thread${k.threads === 1 ? '' : 's'}${globalThis.crossOriginIsolated ? '' : ' (page not cross-origin isolated: one thread)'}`;
  }
}
