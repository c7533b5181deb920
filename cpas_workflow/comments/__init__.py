"""Conversation: comment threads with replies and @mentions on submissions, recommendations and cycles."""
