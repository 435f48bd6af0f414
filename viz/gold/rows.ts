// The rows of the gold metrics as the API serves them (docs/data-contract.md): the contract's
// JSON keys, numbers as JS numbers. The chart builders take these, whoever read them.

export interface TotalSalesRow {
  produit: string;
  /** Σ montant, in euros. */
  total_ventes: number;
  nb_transactions: number;
  quantite_totale: number;
}

export interface StatusCodeRow {
  status_code: number;
  count_requests: number;
}

export interface AvgLikesRow {
  contenu: string;
  avg_likes: number;
  nb_posts: number;
}

export interface CampaignRow {
  campaign_id: string;
  total_clicks: number;
  total_impressions: number;
  /** clicks / impressions; null without impressions. */
  ctr: number | null;
}
