"""The operator CLI (spec 10)."""
