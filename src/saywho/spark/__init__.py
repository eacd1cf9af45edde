"""saywho on Apache Spark: ``saywho spark run INPUT... OUTPUT`` (or ``spark-submit``) runs
ingest and extraction per partition and writes Parquet tables; docs/spark.md.

Modules: ``read`` (a file's bytes to documents, as ``saywho extract`` reads the file),
``tasks`` (one partition's work), ``rows`` (the tables' rows and ids), ``tables``
(reading the tables back, loading them into the store; pyarrow only) and ``job``
(the driver; the only module that needs pyspark).
"""
