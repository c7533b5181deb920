"""Evidence: files attached to a component's input and to a follow-up action, checked by content,
stored by content hash, never served inline."""
