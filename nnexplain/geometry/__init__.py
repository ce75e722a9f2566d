"""Plain-numpy geometry: no manim, no torch."""
