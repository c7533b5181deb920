"""Notifications: the outbox, delivery, reminders, escalations, digests, the calendar feed."""
