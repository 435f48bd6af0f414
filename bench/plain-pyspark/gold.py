"""Gold as a folder of PySpark scripts does it (`npm run bench:pyspark` starts it with a fresh
spark-submit): the four metrics of the data contract as DataFrame aggregations over the silver
Parquet of silver.py, each written as Parquet, sorted by its key.

    spark-submit gold.py <output root>
"""
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

(output,) = sys.argv[1:2]
silver, gold = f"{output}/silver", f"{output}/gold"
spark = SparkSession.builder.appName("gold-plain").getOrCreate()
read = lambda table: spark.read.parquet(f"{silver}/{table}")  # noqa: E731
clicks = F.count_if(F.col("event_type") == "click")
impressions = F.count_if(F.col("event_type") == "impression")
metrics = {
    "total_sales_per_product": read("transactions")
    .groupBy("produit")
    .agg(F.round(F.sum("montant"), 2).alias("total_ventes"), F.count("*").alias("nb_transactions"), F.sum("quantite").alias("quantite_totale")),
    "status_code_counts": read("server_logs").groupBy("status_code").agg(F.count("*").alias("count_requests")),
    "avg_likes_per_product": read("social_posts").groupBy("contenu").agg(F.round(F.avg("likes"), 2).alias("avg_likes"), F.count("*").alias("nb_posts")),
    "campaign_metrics": read("ad_events")
    .groupBy("campaign_id")
    .agg(clicks.alias("total_clicks"), impressions.alias("total_impressions"))
    .withColumn("ctr", F.when(F.col("total_impressions") > 0, F.round(F.col("total_clicks") / F.col("total_impressions"), 4))),
}
for name, metric in metrics.items():
    metric.orderBy(metric.columns[0]).write.mode("overwrite").parquet(f"{gold}/{name}")
spark.stop()
