"""Benchmarks and load tests: run by hand, results written down in docs/."""
