"""agentdir: a self-hostable, CloudAgent-compatible agent administration service."""

__version__ = "0.1.0"
