"""People, their roles, sign-in and API tokens."""
