"""People: acting officers (delegations), claiming and assigning tasks, dated roles and handovers."""
