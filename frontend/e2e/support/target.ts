/** What the global setup hands to the browser tests (through vitest's `provide`/`inject`). */
export type E2eTarget =
  | { kind: 'ready'; baseUrl: string; chromiumPath: string }
  | { kind: 'skipped'; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    e2eTarget: E2eTarget;
  }
}
