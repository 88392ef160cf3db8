"""Group pages: thin views over the selectors and services (split by who uses them)."""
