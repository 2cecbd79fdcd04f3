"""Agent passwords: Argon2id, hashed on a thread pool so the event loop never waits.

argon2-cffi releases the GIL while hashing, so a pool the size of the cores
hashes that many passwords at once.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from argon2.exceptions import VerificationError

__all__ = ["PasswordHasher"]


class PasswordHasher:
    def __init__(
        self, *, time_cost: int, memory_kib: int, parallelism: int, threads: int
    ) -> None:
        self._argon2 = Argon2Hasher(
            time_cost=time_cost,
            memory_cost=memory_kib,
            parallelism=parallelism,
            hash_len=32,
            salt_len=16,
            type=Type.ID,
        )
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="argon2")

    async def hash(self, password: str) -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._argon2.hash, password)

    def hash_blocking(self, password: str) -> str:
        return self._argon2.hash(password)

    async def verify(self, stored_hash: str, password: str) -> bool:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self._pool, self._argon2.verify, stored_hash, password
            )
        except VerificationError:
            return False

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
