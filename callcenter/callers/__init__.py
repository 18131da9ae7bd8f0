"""Synthetic callers that speak real audio (flite voices) for demos, tests and benchmarks."""
