"""servicegraph: a catalogue of public services as a knowledge graph of the law behind each."""

__version__ = "0.1.0"
