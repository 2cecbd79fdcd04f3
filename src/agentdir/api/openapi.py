"""The OpenAPI 3.1 document (placeholder: filled in from the field definitions)."""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["openapi_document"]


@functools.cache
def openapi_document() -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "agentdir", "version": "0.1.0"}, "paths": {}}
