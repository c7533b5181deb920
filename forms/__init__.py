"""WTForms forms, one module per feature; every form derives from `BaseForm` (CSRF on)."""
