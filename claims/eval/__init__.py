"""Evaluation helpers shared by the benchmarks in bench/ and the tests (no UI, no torch on import)."""
