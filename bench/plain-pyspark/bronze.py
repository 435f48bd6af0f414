"""Bronze as a folder of PySpark scripts does it (`npm run bench:pyspark` starts it with a fresh
spark-submit): copy the three local file sources into HDFS as they are, and land every record of
the Kafka topic, value bytes and position, as Parquet. No manifest, no hashes, no record counts,
no ledger of the offsets already landed (each run lands the whole topic).

    spark-submit bronze.py <input folder> <output root> <kafka brokers> <topic>
"""
import sys

from pyspark.sql import SparkSession

input_folder, output, brokers, topic = sys.argv[1:5]
spark = SparkSession.builder.appName("bronze-plain").getOrCreate()

jvm = spark._jvm
hadoop_conf = spark._jsc.hadoopConfiguration()
for source in ("transactions", "server_logs", "social"):
    target = jvm.org.apache.hadoop.fs.Path(f"{output}/bronze/{source}")
    target.getFileSystem(hadoop_conf).copyFromLocalFile(False, True, jvm.org.apache.hadoop.fs.Path(f"file://{input_folder}/{source}"), target)

(
    spark.read.format("kafka")
    .option("kafka.bootstrap.servers", brokers)
    .option("subscribe", topic)
    .option("startingOffsets", "earliest")
    .option("endingOffsets", "latest")
    .load()
    .select("key", "value", "topic", "partition", "offset", "timestamp")
    .write.mode("overwrite")
    .parquet(f"{output}/bronze/ad_events")
)
spark.stop()
