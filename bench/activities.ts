/** Activities registered beside the project's by the throughput scenario's worker. */
export const benchActivities = {
  /** Returns at once: the activity half of the trivial baseline. */
  async benchNoop(i: number): Promise<number> {
    return i;
  },
};

export type BenchActivities = typeof benchActivities;
