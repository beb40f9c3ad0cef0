"""The SHACL shapes (Turtle): the project's own, and the official CPSV-AP shapes in `official/`."""
