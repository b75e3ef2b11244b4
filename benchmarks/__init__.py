"""Benchmarks for the Sound Autoencoders course: ``python -m benchmarks --help``."""
