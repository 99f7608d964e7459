declare module '@seald-io/nedb/lib/model.js' {
  /** nedb's own update-operator implementation (returns a modified deep copy). */
  export function modify(doc: Record<string, any>, update: Record<string, unknown>): Record<string, any>;
  export function getDotValue(doc: Record<string, any>, path: string): unknown;
  const model: { modify: typeof modify; getDotValue: typeof getDotValue };
  export default model;
}
