"""The account's catalog: skills, agent groups and SIP locations."""
