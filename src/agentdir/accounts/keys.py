"""apiKeys: random, shown once, stored as SHA-256, compared in constant time.

A keyed hash would add nothing here: the key has 256 bits of entropy, so a
stolen hash cannot be reversed by guessing, and a lookup costs microseconds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["api_key_matches", "hash_api_key", "new_api_key"]


def new_api_key() -> str:
    return secrets.token_urlsafe(32)


def hash_api_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8", "surrogatepass")).hexdigest()


def api_key_matches(api_key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_api_key(api_key), stored_hash)
