"""Tasks: what someone owes, created and closed by the engine as states are entered and left."""
