"""A user's PySpark job, as spark-at-scale runs one: it takes --scale-factor and sizes its data
by it. Its events (scale x 1,000,000 rows) join a users table of scale x 10,000 rows and roll up
per country; the join strategy the cell asks for is the session's preference, so this script
sets none itself."""

import argparse

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

parser = argparse.ArgumentParser()
parser.add_argument("--scale-factor", type=float, required=True)
scale = parser.parse_args().scale_factor

spark = SparkSession.builder.appName("sessions-rollup").getOrCreate()
users = spark.range(max(1, int(scale * 10_000))).select(
    F.col("id").alias("user"),
    (F.col("id") % 50).alias("country"),
    F.sha2(F.col("id").cast("string"), 256).alias("profile"),
)
events = spark.range(max(1, int(scale * 1_000_000))).select(
    (F.col("id") % max(1, int(scale * 10_000))).alias("user"),
    (F.col("id") % 3600).alias("seconds"),
)
rollup = (
    events.join(users, "user")
    .groupBy("country")
    .agg(F.count("*").alias("events"), F.sum("seconds").alias("seconds"))
)
print("countries", rollup.count())
spark.stop()
