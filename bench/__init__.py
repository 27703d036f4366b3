"""Benchmarks of tfc against hand-written anyio baselines; run ``python -m bench.run_all``."""
