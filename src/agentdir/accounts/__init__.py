"""Accounts: the customers, their apiKeys and authentication modes."""
