"""Load and faults (bench/bench_load.py), so that `python -m bench load` runs it.

bench/load/locustfile.py is what locust runs; this package only makes the
short name work, with the benchmark's own description.
"""

from bench import bench_load
from bench.bench_load import run

__doc__ = bench_load.__doc__
__all__ = ["run"]
