"""chainbrain: an industry brain (产业大脑) for an intelligent-connected NEV industry cluster."""

__version__ = "0.1.0"
