"""The servicegraph ontology (Turtle), read as package data."""
