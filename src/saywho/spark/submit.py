"""The file to give ``spark-submit``: runs ``saywho spark run`` in the session spark-submit made.

    spark-submit --master yarn [options] "$(python -m saywho.spark.submit --path)" INPUT... OUTPUT [flags]

takes the same INPUT... OUTPUT and flags as ``saywho spark run`` (except ``--master``
and ``--cores``, which are spark-submit's business). ``--path`` prints where this file is.
Absolute imports only: spark-submit runs this file as a script, not as part of the package.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--path"]:
        print(__file__)
        return
    from saywho.cli.spark import spark_app

    spark_app(args=["run", *args], prog_name="saywho-spark-submit")


if __name__ == "__main__":
    main()
