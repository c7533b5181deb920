"""Instance administration pages: missions, components, users, role assignments, the audit log."""
