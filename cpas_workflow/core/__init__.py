"""Cross-cutting pieces every feature uses: clock, errors, access rules, audit, markdown, db types."""
