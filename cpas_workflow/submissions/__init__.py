"""Component submissions: each participating component's input to a cycle."""
