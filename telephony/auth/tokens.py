"""Bearer tokens: 32 random bytes, given to the client once, kept only as their SHA-256."""

from __future__ import annotations

import base64
import hashlib
import secrets

PREFIX = "tel_"  # lets secret scanners and people recognise a leaked token


def new_token() -> str:
    return PREFIX + base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()
