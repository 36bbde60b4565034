"""Reproducible benchmarks, run by hand with `make bench` (never by the test suite).

Each benchmark measures the platform's way and a baseline in the same run on
the same machine, and reports the ratio, so figures stay comparable across
machines. Results and the command that produced them go in docs/benchmarks.md.
"""
