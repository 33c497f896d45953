"""RecASketch's Spark job: implicit-feedback ALS (Hu, Koren and Volinsky, as WRMF) on a likes file, with Spark MLlib.

Run by `recasketch train --engine spark` and `recasketch evaluate --algorithms spark-als` through spark-submit:
    spark-submit --master local[2] spark_als.py --input likes.csv --output DIR --rank 64 --iterations 15
        --regularization 0.1 --alpha 50 --seed 42
likes.csv: `user,item` integer indices with a header. Writes DIR/items/part-* and DIR/users/part-*: one line per
index, `index,f1,…,fk` (floats written exactly, repr), and DIR/done when everything is written.
"""
import argparse
import os
import time

from pyspark.ml.recommendation import ALS
from pyspark.sql import SparkSession
from pyspark.sql import functions as F


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--rank", type=int, required=True)
    parser.add_argument("--iterations", type=int, required=True)
    parser.add_argument("--regularization", type=float, required=True)
    parser.add_argument("--alpha", type=float, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--blocks", type=int, default=0, help="user and item blocks (0: Spark's default parallelism)")
    arguments = parser.parse_args()

    spark = SparkSession.builder.appName("recasketch-als").getOrCreate()
    # ALS's RDD lineage grows with every iteration; unchecked, deserialising a task of a late iteration overflows
    # the executor's stack (seen with pyspark 4.3 at 15 iterations on MovieLens 100k). Checkpoints cut it.
    spark.sparkContext.setCheckpointDir(os.path.join(os.path.dirname(os.path.abspath(arguments.output)), "checkpoints"))
    started = time.time()
    likes = (spark.read.csv(arguments.input, header=True, schema="user INT, item INT")
             .withColumn("rating", F.lit(1.0).cast("float")))
    blocks = arguments.blocks or spark.sparkContext.defaultParallelism
    als = ALS(rank=arguments.rank, maxIter=arguments.iterations, regParam=arguments.regularization, alpha=arguments.alpha,
              implicitPrefs=True, userCol="user", itemCol="item", ratingCol="rating", seed=arguments.seed,
              numUserBlocks=blocks, numItemBlocks=blocks, coldStartStrategy="drop", checkpointInterval=5)
    model = als.fit(likes)
    fitted = time.time()

    def lines(frame):
        return frame.rdd.map(lambda row: ",".join([str(row.id)] + [repr(float(value)) for value in row.features]))

    lines(model.itemFactors).saveAsTextFile(os.path.join(arguments.output, "items"))
    lines(model.userFactors).saveAsTextFile(os.path.join(arguments.output, "users"))
    with open(os.path.join(arguments.output, "done"), "w") as done:
        done.write("fit_seconds=%.3f\nwrite_seconds=%.3f\n" % (fitted - started, time.time() - fitted))
    print("recasketch-als: fitted in %.1f s, factors written in %.1f s" % (fitted - started, time.time() - fitted))
    spark.stop()


if __name__ == "__main__":
    main()
