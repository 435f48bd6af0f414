import { describe, expect, it } from 'vitest';
import { compileChart } from '../compile.js';
import { bucketFor } from '../time-buckets.js';
import { adEventsChart } from './ad-events.js';
import { likesBoxPlotChart } from './likes-box-plot.js';
import { priceChart } from './price-histogram.js';
import { quantityChart } from './quantity-histogram.js';
import { quarantineChart } from './quarantine.js';
import { requestsOverTimeChart } from './requests-over-time.js';
import { revenueChart } from './revenue.js';

const hour = bucketFor(4 * 86_400);
const start = Date.UTC(2024, 4, 1);

describe('silver charts', () => {
  it('compile without warnings, with rows and without', () => {
    const specs = [
      revenueChart([{ period: start, revenue: 12.5, transactions: 1 }], bucketFor(86_400 * 100)),
      revenueChart([], bucketFor(0)),
      quantityChart({ step: 1, total: 10, bins: [{ bin_start: 1, bin_end: 2, count: 9 }] }),
      priceChart({ step: 10, total: 0, bins: [] }),
      requestsOverTimeChart(
        [
          { period: start, status_class: '2xx', requests: 10 },
          { period: start, status_class: '5xx', requests: 0 },
        ],
        hour,
      ),
      likesBoxPlotChart([{ contenu: 'A', others: false, posts: 3, q1: 1, median: 2, q3: 3, lower_whisker: 0, upper_whisker: 5, outliers: 1 }]),
      likesBoxPlotChart([]),
      adEventsChart([{ period: start, event_type: 'click', events: 2 }], hour),
      quarantineChart([{ source: 'transactions', reason: 'malformed_row', records: 3 }]),
      quarantineChart([]),
    ];
    for (const spec of specs) expect(compileChart(spec).warnings).toEqual([]);
  });

  it('say how much of a distribution the histogram leaves out', () => {
    const spec = priceChart({ step: 10, total: 1000, bins: [{ bin_start: 0, bin_end: 10, count: 990 }] });
    expect(spec.title).toMatchObject({ subtitle: '1,000 transactions in bins of 10 €; 10 (1.0 %) above 10 € not shown' });
  });

  it('put the pooled box last whatever its median', () => {
    const box = { posts: 1, q1: 0, q3: 0, lower_whisker: 0, upper_whisker: 0, outliers: 0 };
    const spec = likesBoxPlotChart([
      { ...box, contenu: 'Other subjects (3)', others: true, median: 99 },
      { ...box, contenu: 'A', others: false, median: 1 },
      { ...box, contenu: 'B', others: false, median: 5 },
    ]);
    expect((spec.data as { values: Array<{ contenu: string }> }).values.map((v) => v.contenu)).toEqual(['B', 'A', 'Other subjects (3)']);
  });
});
