"""Authentication: apiKey checks, tokens and the shared steps A1-A6."""
