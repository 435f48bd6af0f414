"""The gold layer as a plain PySpark job (what `npm run bench:gold-submit` starts with a fresh
spark-submit): the four metrics of jobs/sql/gold/ over the silver Delta tables, each written as a
Delta table with mode overwrite. No manifests, no publication.

    spark-submit gold_plain.py <silver folder> <output folder> <sql folder>
"""
import os
import sys

from pyspark.sql import SparkSession

silver, output, sql_folder = sys.argv[1:4]
spark = SparkSession.builder.appName("gold-plain").getOrCreate()
for table in ("transactions", "server_logs", "social_posts", "ad_events"):
    spark.read.format("delta").load(f"{silver}/{table}").createOrReplaceTempView(f"silver_{table}")
for name in sorted(os.listdir(sql_folder)):
    metric = name.removesuffix(".sql")
    if "." in metric:  # a variant of a metric's SQL (campaign_metrics.merge.sql), not a metric
        continue
    with open(os.path.join(sql_folder, name), encoding="utf-8") as query:
        spark.sql(query.read()).coalesce(1).write.format("delta").mode("overwrite").save(f"{output}/{metric}")
spark.stop()
