"""Missions and their components."""
