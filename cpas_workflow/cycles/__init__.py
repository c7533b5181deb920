"""Cycles: one run of a workflow definition for one mission and period."""
