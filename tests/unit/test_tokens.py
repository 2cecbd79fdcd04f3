"""Tokens (spec 3, steps A4-A6 of 2.1): HS512 JWTs checked against an injected clock."""

from __future__ import annotations

import base64
import json

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentdir.auth.service import bearer_token
from agentdir.auth.tokens import TokenClaims, TokenCodec
from agentdir.clock import ManualClock
from agentdir.errors import InvalidToken, TokenExpired

SECRET = ("s3cret-" * 10).encode("utf-8")
OTHER_SECRET = ("other-" * 11).encode("utf-8")
USER = "acme"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=1_796_000_000.25)


@pytest.fixture
def codec(clock: ManualClock) -> TokenCodec:
    return TokenCodec(SECRET, clock)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_token_is_hs512_with_the_documented_claims(codec: TokenCodec,
                                                   clock: ManualClock) -> None:
    token = codec.issue(USER, 7)
    assert jwt.get_unverified_header(token)["alg"] == "HS512"
    # the configured secret's bytes are the HMAC key, as they are (not derived)
    claims = jwt.decode(token, SECRET, algorithms=["HS512"], options={"verify_exp": False})
    assert claims["sub"] == USER
    assert claims["iat"] == int(clock.now())
    assert claims["exp"] == claims["iat"] + 3600
    assert claims["gen"] == 7
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, OTHER_SECRET, algorithms=["HS512"])


def test_a_fresh_token_verifies(codec: TokenCodec, clock: ManualClock) -> None:
    token = codec.issue(USER, 3)
    iat = int(clock.now())
    assert codec.verify(token, user_name=USER, generation=3) == TokenClaims(
        USER, 3, iat, iat + 3600)


def test_expiry_is_exactly_at_exp(codec: TokenCodec, clock: ManualClock) -> None:
    token = codec.issue(USER, 1)
    exp = int(clock.now()) + 3600
    clock.set(exp - 1)
    assert codec.verify(token, user_name=USER, generation=1).expires_at == exp
    clock.set(exp - 0.001)
    codec.verify(token, user_name=USER, generation=1)
    clock.set(exp)
    with pytest.raises(TokenExpired):
        codec.verify(token, user_name=USER, generation=1)
    clock.advance(86_400)
    with pytest.raises(TokenExpired):
        codec.verify(token, user_name=USER, generation=1)


def test_ttl_comes_from_the_codec(clock: ManualClock) -> None:
    short = TokenCodec(SECRET, clock, ttl_seconds=60)
    token = short.issue(USER, 1)
    clock.advance(59)
    short.verify(token, user_name=USER, generation=1)
    clock.advance(1)
    with pytest.raises(TokenExpired):
        short.verify(token, user_name=USER, generation=1)


def test_tampered_signature_is_invalid(codec: TokenCodec) -> None:
    token = codec.issue(USER, 1)
    header, payload, signature = token.split(".")
    raw = bytearray(_unb64(signature))
    for index in (0, len(raw) // 2, len(raw) - 1):
        flipped = bytearray(raw)
        flipped[index] ^= 0x01
        with pytest.raises(InvalidToken):
            codec.verify(f"{header}.{payload}.{_b64(bytes(flipped))}", user_name=USER,
                         generation=1)
    with pytest.raises(InvalidToken):
        codec.verify(f"{header}.{payload}.", user_name=USER, generation=1)


def test_tampered_payload_is_invalid(codec: TokenCodec) -> None:
    token = codec.issue("mallory", 1)
    header, payload, signature = token.split(".")
    claims = json.loads(_unb64(payload))
    claims["sub"] = USER
    forged = f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"
    with pytest.raises(InvalidToken):
        codec.verify(forged, user_name=USER, generation=1)


def test_token_signed_with_another_secret_is_invalid(clock: ManualClock,
                                                     codec: TokenCodec) -> None:
    foreign = TokenCodec(OTHER_SECRET, clock).issue(USER, 1)
    with pytest.raises(InvalidToken):
        codec.verify(foreign, user_name=USER, generation=1)


def test_expired_token_with_another_secret_is_invalid_not_expired(
    clock: ManualClock, codec: TokenCodec
) -> None:
    """A5 needs a valid signature: a forged expired token is just invalid."""
    foreign = TokenCodec(OTHER_SECRET, clock).issue(USER, 1)
    clock.advance(7200)
    with pytest.raises(InvalidToken):
        codec.verify(foreign, user_name=USER, generation=1)


@pytest.mark.parametrize("algorithm", ["HS256", "HS384"])
def test_other_algorithms_are_invalid(codec: TokenCodec, clock: ManualClock,
                                      algorithm: str) -> None:
    iat = int(clock.now())
    claims = {"sub": USER, "iat": iat, "exp": iat + 3600, "gen": 1}
    token = jwt.encode(claims, SECRET, algorithm=algorithm)
    with pytest.raises(InvalidToken):
        codec.verify(token, user_name=USER, generation=1)


def test_unsigned_alg_none_token_is_invalid(codec: TokenCodec, clock: ManualClock) -> None:
    iat = int(clock.now())
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = _b64(json.dumps({"sub": USER, "iat": iat, "exp": iat + 3600, "gen": 1}).encode())
    with pytest.raises(InvalidToken):
        codec.verify(f"{header}.{payload}.", user_name=USER, generation=1)


@pytest.mark.parametrize("claims", [
    {"sub": USER, "iat": 0, "exp": 4_000_000_000},  # no gen
    {"sub": USER, "gen": 1, "exp": 4_000_000_000},  # no iat
    {"sub": USER, "gen": 1, "iat": 0},  # no exp
    {"gen": 1, "iat": 0, "exp": 4_000_000_000},  # no sub
    {"sub": USER, "gen": "1", "iat": 0, "exp": 4_000_000_000},
    {"sub": USER, "gen": True, "iat": 0, "exp": 4_000_000_000},
    {"sub": USER, "gen": 1, "iat": 0, "exp": "4000000000"},
    {"sub": USER, "gen": 1, "iat": 0.5, "exp": 4_000_000_000},
])
def test_well_signed_tokens_with_bad_claims_are_invalid(codec: TokenCodec,
                                                        claims: dict[str, object]) -> None:
    token = jwt.encode(claims, SECRET, algorithm="HS512")
    with pytest.raises(InvalidToken):
        codec.verify(token, user_name=USER, generation=1)


@given(st.one_of(
    st.text(max_size=200),
    st.builds(lambda a, b, c: f"{a}.{b}.{c}", *[st.text("abcXYZ019-_", max_size=40)] * 3),
))
def test_garbage_is_invalid(garbage: str) -> None:
    codec = TokenCodec(SECRET, ManualClock())
    with pytest.raises(InvalidToken):
        codec.verify(garbage, user_name=USER, generation=1)


def test_a_superseded_token_is_invalid(codec: TokenCodec) -> None:
    old = codec.issue(USER, 1)
    new = codec.issue(USER, 2)
    with pytest.raises(InvalidToken):
        codec.verify(old, user_name=USER, generation=2)
    codec.verify(new, user_name=USER, generation=2)


def test_expired_and_superseded_is_expired(codec: TokenCodec, clock: ManualClock) -> None:
    """A5 comes before A6: a token both expired and superseded answers Token Expired."""
    old = codec.issue(USER, 1)
    clock.advance(3600)
    with pytest.raises(TokenExpired):
        codec.verify(old, user_name=USER, generation=2)


def test_another_accounts_token_is_invalid(codec: TokenCodec) -> None:
    theirs = codec.issue("someone-else", 1)
    with pytest.raises(InvalidToken):
        codec.verify(theirs, user_name=USER, generation=1)
    # the account name is compared exactly
    with pytest.raises(InvalidToken):
        codec.verify(codec.issue(USER.upper(), 1), user_name=USER, generation=1)


def test_expired_token_of_another_account_is_expired(codec: TokenCodec,
                                                     clock: ManualClock) -> None:
    theirs = codec.issue("someone-else", 1)
    clock.advance(4000)
    with pytest.raises(TokenExpired):
        codec.verify(theirs, user_name=USER, generation=1)


# --- the Authorization header (A4) --------------------------------------------------


@pytest.mark.parametrize(("header", "token"), [
    (None, None),
    ("", None),
    ("   ", None),
    ("Bearer", None),
    ("Bearer ", None),
    ("Bearer    ", None),
    ("Bearer abc.def.ghi", "abc.def.ghi"),
    ("bearer abc", "abc"),
    ("BEARER abc", "abc"),
    ("  Bearer   abc  ", "abc"),
    # another scheme is passed on whole, so it fails as Invalid Token (A6), not A4
    ("Basic dXNlcjpwdw==", "Basic dXNlcjpwdw=="),
    ("abc.def.ghi", "abc.def.ghi"),
])
def test_bearer_token_parsing(header: str | None, token: str | None) -> None:
    assert bearer_token(header) == token


@given(st.text(st.characters(categories=["L", "N"], include_characters="-_.~+/="),
               min_size=1, max_size=60))
def test_bearer_token_round_trips(token: str) -> None:
    assert bearer_token(f"Bearer {token}") == token
