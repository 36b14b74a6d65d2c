"""Synthetic national-scale chain maps (status ``synthetic``) for scale tests and benchmarks."""

from chainbrain.synth.generate import SynthError, SynthReport, synthesize

__all__ = ["SynthError", "SynthReport", "synthesize"]
