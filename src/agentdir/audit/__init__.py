"""Reading the audit trail (entries are written by the agents domain, in the same
transaction as each change)."""
