-- total_sales_per_product without reading all of silver: the metric as gold published it
-- (`gold_total_sales_per_product`, at its version) plus the sales of the silver batches added since
-- (`silver_transactions_added`). Sums and counts add up; the sums of montant are exact decimals,
-- so adding the published total to the new batches' sum gives the total over all of silver.
WITH sales AS (
  SELECT produit, total_ventes AS ventes, nb_transactions AS transactions, quantite_totale AS quantite
  FROM gold_total_sales_per_product
  UNION ALL
  SELECT produit, sum(montant), count(*), sum(CAST(quantite AS BIGINT))
  FROM silver_transactions_added
  GROUP BY produit
)
SELECT
  produit,
  CAST(round(sum(ventes), 2) AS DECIMAL(24, 2)) AS total_ventes,
  sum(transactions) AS nb_transactions,
  sum(quantite) AS quantite_totale
FROM sales
GROUP BY produit
ORDER BY produit
