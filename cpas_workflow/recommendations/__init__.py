"""Recommendations: drafted in joint review, decided by leadership, followed up as actions."""
