"""Silver as a folder of PySpark scripts does it (`npm run bench:pyspark` starts it with a fresh
spark-submit): read each bronze source with Spark's own readers, type and check the fields with
DataFrame expressions, write the valid rows and the rejected ones (with a reason) as Parquet,
and drop repeated keys with `dropDuplicates`.

What it does not do, and the lake does: line numbers and batch order (so which duplicate survives
is Spark's choice, and the duplicates vanish instead of being quarantined), strict RFC 4180 (Spark's
CSV reader forgives some quoting), the log formats' finer points, JSON arrays and repeated keys,
the conservation count, Delta tables, incremental runs. It is the cost of the work as such scripts
are written, close to the contract's result but not the same.

    spark-submit silver.py <output root>
"""
import sys

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

(output,) = sys.argv[1:2]
bronze, silver = f"{output}/bronze", f"{output}/silver"
spark = SparkSession.builder.appName("silver-plain").getOrCreate()


BLANK = " \t\r\x0b\x0c"  # the white space of the contract's blank lines


def blank(column):
    return column.isNull() | (F.trim(column) == "")


def first_failure(checks):
    """The reason of the first failed check, in the contract's order, or null."""
    reason = F.lit(None).cast("string")
    for failed, code in reversed(checks):
        reason = F.when(failed, F.lit(code)).otherwise(reason)
    return reason


def iso_timestamp(text):
    return F.coalesce(
        F.try_to_timestamp(text, F.lit("yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]")),
        F.try_to_timestamp(text, F.lit("yyyy-MM-dd HH:mm:ss")),
        F.try_to_timestamp(text, F.lit("yyyy-MM-dd")),
    )


def write(table: str, checked: DataFrame, columns: list, key: str | None = None) -> None:
    # Parsed once, written twice: without persist Spark parses the source again for the rejects.
    # The raw record is kept for the rejected rows only.
    checked = checked.withColumn("raw_record", F.when(F.col("reason").isNotNull(), F.col("raw_record"))).persist()
    valid = checked.where(F.col("reason").isNull()).select(*columns)
    if key:
        valid = valid.dropDuplicates([key])
    valid.write.mode("overwrite").parquet(f"{silver}/{table}")
    checked.where(F.col("reason").isNotNull()).select("raw_record", "reason", "source").write.mode("overwrite").parquet(
        f"{silver}/{table}_quarantine"
    )
    checked.unpersist()


def files(folder: str) -> list:
    path = spark._jvm.org.apache.hadoop.fs.Path(folder)
    listing = path.getFileSystem(spark._jsc.hadoopConfiguration()).listFiles(path, True)
    found = []
    while listing.hasNext():
        file = listing.next().getPath()
        if not file.getName().startswith((".", "_")):  # hidden, as Spark's readers treat them
            found.append(file.toString())
    return sorted(found)


INTEGER = r"^[+-]?[0-9]+$"
MONEY = r"^[+-]?[0-9]+([.,][0-9]{1,2})?$"


def transactions() -> None:
    # Each export has its own header spelling and column order: read file by file, then union.
    # A row with more or fewer fields than its header, or broken quoting, is _corrupt_record.
    parts = []
    for path in files(f"{bronze}/transactions"):
        header = spark.read.option("header", True).csv(path).columns
        schema = StructType([StructField(f"c{index}", StringType()) for index in range(len(header))] + [StructField("_corrupt_record", StringType())])
        frame = spark.read.schema(schema).options(header=True, escape='"', columnNameOfCorruptRecord="_corrupt_record").csv(path)
        names = [name.replace("\ufeff", "").strip().lower() for name in header]
        frame = frame.toDF(*names, "_corrupt_record")
        if "client_id" not in frame.columns:
            frame = frame.withColumn("client_id", F.lit(None).cast("string"))
        raw = F.coalesce("_corrupt_record", F.concat_ws(",", *[F.coalesce(F.col(f"`{name}`"), F.lit("")) for name in names]))
        columns = ["transaction_id", "client_id", "produit", "quantite", "prix", "date_transaction", "_corrupt_record"]
        parts.append(frame.select(*columns, raw.alias("raw_record"), F.lit(path).alias("source")))
    rows = parts[0]
    for part in parts[1:]:
        rows = rows.unionByName(part)
    quantite_text, prix_text = F.trim("quantite"), F.trim("prix")
    quantite = quantite_text.try_cast("decimal(38,0)")
    prix = F.replace(prix_text, F.lit(","), F.lit(".")).try_cast("decimal(12,2)")
    timestamp = iso_timestamp(F.trim("date_transaction"))
    reason = first_failure(
        [
            (F.col("_corrupt_record").isNotNull(), "malformed_row"),
            (blank(F.col("transaction_id")), "missing_required:transaction_id"),
            (blank(F.col("produit")), "missing_required:produit"),
            (blank(F.col("quantite")), "missing_required:quantite"),
            (~quantite_text.rlike(INTEGER), "bad_integer:quantite"),
            (quantite.isNull() | (quantite < 1) | (quantite > 1_000_000), "out_of_range:quantite"),
            (blank(F.col("prix")), "missing_required:prix"),
            (~prix_text.rlike(MONEY), "bad_decimal:prix"),
            (prix.isNull() | (prix < 0) | (prix > 1_000_000), "out_of_range:prix"),
            (blank(F.col("date_transaction")), "missing_required:date_transaction"),
            (timestamp.isNull(), "bad_timestamp:date_transaction"),
        ]
    )
    checked = rows.select(
        F.trim("transaction_id").alias("transaction_id"),
        F.when(blank(F.col("client_id")), "inconnu").otherwise(F.trim("client_id")).alias("client_id"),
        F.trim("produit").alias("produit"),
        quantite.try_cast("int").alias("quantite"),
        prix.alias("prix"),
        timestamp.alias("date_transaction"),
        "raw_record",
        "source",
        reason.alias("reason"),
    ).withColumn("montant", F.when(F.col("reason").isNull(), (F.col("quantite") * F.col("prix")).try_cast("decimal(14,2)")))
    columns = ["transaction_id", "client_id", "produit", "quantite", "prix", "date_transaction", "montant"]
    write("transactions", checked, columns, "transaction_id")


LOG_LINE = r'^(\S+) \S+ \S+ \[([^\]]*)\] "((?:[^"\\]|\\.)*)" (\S+) (\S+)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")? *$'


def server_logs() -> None:
    lines = spark.read.text(f"{bronze}/server_logs").where(F.btrim("value", F.lit(BLANK)) != "")
    field = lambda group: F.regexp_extract("value", LOG_LINE, group)  # noqa: E731
    request = F.split(field(3), " ")
    three = F.size(request) == 3
    status = field(4).try_cast("int")
    size = field(5)
    optional = lambda text: F.when((text == "") | (text == "-"), None).otherwise(text)  # noqa: E731
    checked = lines.select(
        field(1).alias("ip"),
        F.try_to_timestamp(field(2), F.lit("dd/MMM/yyyy:HH:mm:ss Z")).alias("ts"),
        F.when(three, request[0]).alias("method"),
        F.when(three, request[1]).alias("path"),
        F.when(three, request[2]).alias("protocol"),
        status.alias("status_code"),
        F.when(size == "-", F.lit(0).cast("bigint")).otherwise(size.try_cast("bigint")).alias("bytes"),
        optional(field(6)).alias("referer"),
        optional(field(7)).alias("user_agent"),
        F.col("value").alias("raw_record"),
        F.input_file_name().alias("source"),
    )
    checked = checked.withColumn(
        "reason",
        first_failure(
            [
                (F.col("ip") == "", "malformed_row"),
                (F.col("ts").isNull(), "bad_timestamp:ts"),
                (F.col("status_code").isNull(), "bad_integer:status_code"),
                ((F.col("status_code") < 100) | (F.col("status_code") > 599), "out_of_range:status_code"),
                (F.col("bytes").isNull(), "bad_integer:bytes"),
            ]
        ),
    )
    write("server_logs", checked, ["ip", "ts", "method", "path", "protocol", "status_code", "bytes", "referer", "user_agent"])


POST = StructType(
    [StructField(name, StringType()) for name in ("post_id", "utilisateur", "contenu", "texte", "likes", "partages", "date_publication")]
    + [StructField("_corrupt_record", StringType())]
)


def social_posts() -> None:
    posts = spark.read.schema(POST).options(columnNameOfCorruptRecord="_corrupt_record", allowSingleQuotes=False).json(f"{bronze}/social")
    likes = F.col("likes").try_cast("bigint")
    shares = F.col("partages").try_cast("bigint")
    published = iso_timestamp(F.col("date_publication"))
    checked = posts.select(
        F.trim("post_id").alias("post_id"),
        F.when(blank(F.col("utilisateur")), "inconnu").otherwise(F.col("utilisateur")).alias("utilisateur"),
        F.trim("contenu").alias("contenu"),
        F.trim("texte").alias("texte"),
        F.coalesce(likes, F.lit(0)).alias("likes"),
        F.coalesce(shares, F.lit(0)).alias("partages"),
        published.alias("date_publication"),
        F.coalesce(F.col("_corrupt_record"), F.to_json(F.struct(*[c for c in POST.fieldNames() if c != "_corrupt_record"]))).alias("raw_record"),
        F.input_file_name().alias("source"),
        first_failure(
            [
                (F.col("_corrupt_record").isNotNull(), "malformed_json"),
                (blank(F.col("post_id")), "missing_required:post_id"),
                (blank(F.col("contenu")), "missing_required:contenu"),
                (F.col("likes").isNotNull() & likes.isNull(), "bad_integer:likes"),
                (likes < 0, "out_of_range:likes"),
                (F.col("partages").isNotNull() & shares.isNull(), "bad_integer:partages"),
                (shares < 0, "out_of_range:partages"),
                (F.col("date_publication").isNotNull() & published.isNull(), "bad_timestamp:date_publication"),
            ]
        ).alias("reason"),
    )
    write("social_posts", checked, ["post_id", "utilisateur", "contenu", "texte", "likes", "partages", "date_publication"], "post_id")


EVENT = StructType(
    [StructField(name, StringType()) for name in ("event_id", "campaign_id", "ad_id", "event_type", "user_id", "ts", "cost")]
    + [StructField("_corrupt_record", StringType())]
)
YEARS_1_TO_9999_MS = (-62_135_596_800_000, 253_402_300_799_999)


def ad_events() -> None:
    records = spark.read.parquet(f"{bronze}/ad_events").select(F.col("value").cast("string").alias("raw_record"), "partition", "offset")
    event = F.from_json("raw_record", EVENT, {"columnNameOfCorruptRecord": "_corrupt_record", "allowSingleQuotes": "false"})
    epoch_ms = F.col("e.ts").try_cast("bigint")
    ts = F.coalesce(iso_timestamp(F.col("e.ts")), F.when(epoch_ms.between(*YEARS_1_TO_9999_MS), F.timestamp_millis(epoch_ms)))
    cost = F.coalesce(F.col("e.cost"), F.lit("0")).try_cast("decimal(12,4)")
    checked = records.select("*", event.alias("e")).select(
        F.trim("e.event_id").alias("event_id"),
        F.trim("e.campaign_id").alias("campaign_id"),
        F.col("e.ad_id").alias("ad_id"),
        F.lower("e.event_type").alias("event_type"),
        F.col("e.user_id").alias("user_id"),
        ts.alias("ts"),
        cost.alias("cost"),
        F.col("partition").alias("kafka_partition"),
        F.col("offset").alias("kafka_offset"),
        "raw_record",
        F.concat_ws(":", "partition", "offset").alias("source"),
        first_failure(
            [
                (
                    F.col("raw_record").isNull() | ~F.is_valid_utf8("raw_record") | F.col("e._corrupt_record").isNotNull() | ~F.btrim("raw_record", F.lit(BLANK)).startswith("{"),
                    "malformed_json",
                ),
                (blank(F.col("e.event_id")), "missing_required:event_id"),
                (blank(F.col("e.campaign_id")), "missing_required:campaign_id"),
                (F.col("e.event_type").isNull(), "missing_required:event_type"),
                (F.col("e.ts").isNull(), "missing_required:ts"),
                (~F.lower("e.event_type").isin("impression", "click"), "bad_event_type"),
                (ts.isNull(), "bad_timestamp:ts"),
                (cost.isNull(), "bad_decimal:cost"),
                (cost < 0, "out_of_range:cost"),
            ]
        ).alias("reason"),
    )
    columns = ["event_id", "campaign_id", "ad_id", "event_type", "user_id", "ts", "cost", "kafka_partition", "kafka_offset"]
    write("ad_events", checked, columns, "event_id")


for clean in (transactions, server_logs, social_posts, ad_events):
    clean()
spark.stop()
