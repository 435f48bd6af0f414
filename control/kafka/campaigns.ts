// The advertising world the generated events come from: twelve campaigns with their own share of
// the traffic, click-through rate and prices, each running a few ads to a pool of users.

export interface Campaign {
  /** The `campaign_id` of its events, and their Kafka key. */
  id: string;
  /** Share of the traffic, relative to the other campaigns. */
  weight: number;
  /** Clicks per impression. */
  ctr: number;
  /** Price of a thousand impressions, in euros. */
  cpm: number;
  /** Price of a click, in euros. */
  cpc: number;
  ads: readonly string[];
}

function campaign(number: number, weight: number, ctr: number, cpm: number, cpc: number, adCount: number): Campaign {
  const prefix = `ad-${String(number).padStart(2, '0')}`;
  return {
    id: `Campagne ${number}`,
    weight,
    ctr,
    cpm,
    cpc,
    ads: Array.from({ length: adCount }, (_, i) => `${prefix}-${i + 1}`),
  };
}

export const campaigns: readonly Campaign[] = [
  campaign(1, 18, 0.021, 2.4, 0.35, 4),
  campaign(2, 14, 0.034, 3.1, 0.52, 3),
  campaign(3, 11, 0.012, 1.2, 0.18, 5),
  campaign(4, 9, 0.047, 5.8, 1.25, 2),
  campaign(5, 8, 0.026, 2.9, 0.44, 4),
  campaign(6, 8, 0.015, 1.6, 0.22, 6),
  campaign(7, 7, 0.041, 4.4, 0.95, 3),
  campaign(8, 6, 0.019, 2.0, 0.31, 4),
  campaign(9, 6, 0.05, 6.5, 2.4, 2),
  campaign(10, 5, 0.011, 0.9, 0.12, 5),
  campaign(11, 4, 0.03, 3.5, 0.68, 3),
  campaign(12, 4, 0.024, 2.7, 0.4, 4),
];

/** How many distinct users see the ads. */
export const userCount = 40_000;
