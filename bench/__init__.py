"""Benchmarks: a national-scale warehouse and the page queries timed against it."""
