-- Gold total sales per product, from the valid silver transactions. montant is exact
-- (decimal(14,2)) and its sum too; money is rounded half-up to 2 decimals only at the end.
SELECT
  produit,
  CAST(round(sum(montant), 2) AS DECIMAL(24, 2)) AS total_ventes,
  count(*) AS nb_transactions,
  sum(CAST(quantite AS BIGINT)) AS quantite_totale
FROM silver_transactions
GROUP BY produit
ORDER BY produit
