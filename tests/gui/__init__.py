"""GUI tests: real Qt widgets, offscreen."""
