/**
 * The workflow bundle the benchmarks run: the project's workflows, unchanged, plus one trivial
 * workflow that does nothing, the floor the throughput scenario compares against.
 */
export * from '../workflows';

/** Completes at once: one workflow task, no activity, no timer. */
export async function trivialWorkflow(n: number): Promise<number> {
  return n;
}
