"""pgdrift benchmarks: scripts (not timed tests) that compare pgdrift with the alternatives in one run.

Run them all with `make bench` (`python -m bench.run_all`), or one with `python -m bench.bench_snapshot`.
`bench.common` holds the shared schema generator and server helpers.
"""
