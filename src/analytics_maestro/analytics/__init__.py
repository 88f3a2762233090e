"""Pure statistics and graph questions over a diagram: no I/O."""
