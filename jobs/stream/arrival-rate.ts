// The rate events arrived at, for the stream's live line and its status. Spark's own
// `inputRowsPerSecond` divides a trigger's rows by the time since the query's previous trigger,
// and every landing of the stream is a query of its own (it lands what the topic holds, then
// stops), so Spark reports 0/s for each. The stream's rate is what a landing read since the
// landing before it started reading.
import type { StreamingQueryProgress } from '@lake/spark-connect';

type Trigger = Pick<StreamingQueryProgress, 'timestamp' | 'numInputRows'>;

/**
 * Rows a second that a landing's triggers read, counted from the last trigger of the landing
 * before (`previousTriggerAt`, epoch ms) to this landing's last trigger's start; undefined for the
 * first landing, or a landing with no trigger.
 */
export function arrivalRate(triggers: readonly Trigger[], previousTriggerAt: number | undefined): number | undefined {
  const last = triggers.at(-1);
  if (!last || previousTriggerAt === undefined) return undefined;
  const seconds = (Date.parse(last.timestamp) - previousTriggerAt) / 1000;
  if (!(seconds > 0)) return undefined;
  return triggers.reduce((sum, trigger) => sum + trigger.numInputRows, 0) / seconds;
}
