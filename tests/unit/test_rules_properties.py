"""Property tests of the pure field rules (spec 5.2, 5.3, 6)."""

from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from agentdir.agents.rules import (
    is_blank,
    is_valid_agent_data,
    is_valid_agent_id,
    is_valid_auto_answer,
    is_valid_email,
    is_valid_name,
    is_valid_password_length,
)

NON_STRINGS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
    st.lists(st.text(max_size=3), max_size=2), st.dictionaries(st.text(max_size=3), st.none()),
)

# --- names (5.3): letters of any script (with marks), decimal digits, " .@_-" ----------

NAME_PUNCTUATION = " .@_-"
LETTER_OR_MARK_OR_DIGIT = st.characters(
    categories=["Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd"]
)
NAME_CHAR = st.one_of(LETTER_OR_MARK_OR_DIGIT, st.sampled_from(NAME_PUNCTUATION))
NAME_EDGE_CHAR = st.one_of(LETTER_OR_MARK_OR_DIGIT, st.sampled_from(".@_-"))
# Anything else: other punctuation, symbols, other whitespace, controls, letter-numbers
# (Ⅻ), other numbers (², ½), format characters (zero-width joiner), ...
FORBIDDEN_NAME_CHAR = st.characters(
    exclude_categories=["Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Cs"],
    exclude_characters=NAME_PUNCTUATION,
)


@st.composite
def valid_names(draw: st.DrawFn, min_size: int = 2, max_size: int = 50) -> str:
    size = draw(st.integers(min_size, max_size))
    middle = draw(st.text(NAME_CHAR, min_size=size - 2, max_size=size - 2))
    return draw(NAME_EDGE_CHAR) + middle + draw(NAME_EDGE_CHAR)


@given(valid_names())
@example("Priya Sharma")
@example("प्रिया")  # letters plus vowel signs and a virama (marks)
@example("José-María O.Brien_2")
@example("李小龍")
@example("ab")
@example("a" * 50)
@example("..")
def test_valid_names_are_accepted(name: str) -> None:
    assert is_valid_name(name)


@given(valid_names(max_size=49), FORBIDDEN_NAME_CHAR, st.data())
@example("Priya Sharma", "!", None)
@example("Priya Sharma", "\t", None)
@example("Priya Sharma", "\n", None)
@example("Priya Sharma", "\u00a0", None)  # no-break space is not the space of the rule
@example("Priya Sharma", "Ⅻ", None)  # a letter-number, not a letter or a decimal digit
@example("Priya Sharma", "\u200d", None)  # zero-width joiner (format, Cf)
def test_one_forbidden_character_is_rejected(name: str, bad: str, data: Any) -> None:
    position = data.draw(st.integers(0, len(name))) if data is not None else len(name) // 2
    assert not is_valid_name(name[:position] + bad + name[position:])


@given(valid_names(max_size=49))
def test_leading_or_trailing_space_is_rejected(name: str) -> None:
    assert not is_valid_name(" " + name)
    assert not is_valid_name(name + " ")


@given(st.one_of(st.text(NAME_EDGE_CHAR, max_size=1), valid_names(min_size=51, max_size=80)))
@example("")
@example("a")
@example("a" * 51)
def test_wrong_length_names_are_rejected(name: str) -> None:
    assert not is_valid_name(name)


@given(NON_STRINGS)
def test_non_string_names_are_rejected(value: Any) -> None:
    assert not is_valid_name(value)


def test_name_length_counts_characters_not_bytes() -> None:
    assert is_valid_name("ए" * 50)  # 150 UTF-8 bytes
    assert not is_valid_name("ए" * 51)


def test_whitespace_only_inside_is_still_a_name() -> None:
    # the rule forbids a leading/trailing space, not inner ones
    assert is_valid_name("a  b")
    assert not is_valid_name("  ")


# --- agentId (ASCII [A-Za-z0-9.@_-]{2,50}) ------------------------------------------

ID_ALPHABET = string.ascii_letters + string.digits + ".@_-"
ID_CHAR = st.sampled_from(ID_ALPHABET)


@given(st.text(ID_CHAR, min_size=2, max_size=50))
@example("priya.s")
@example("a@b_c-d.e")
def test_valid_agent_ids_are_accepted(agent_id: str) -> None:
    assert is_valid_agent_id(agent_id)


@given(st.text(ID_CHAR, min_size=2, max_size=50),
       st.characters(exclude_characters=ID_ALPHABET, exclude_categories=["Cs"]),
       st.data())
@example("priya.s", "é", None)  # letters outside ASCII are not ID characters
@example("priya.s", "٣", None)  # nor are non-ASCII digits
@example("priya.s", " ", None)
def test_agent_id_with_a_forbidden_character_is_rejected(agent_id: str, bad: str,
                                                         data: Any) -> None:
    position = data.draw(st.integers(0, len(agent_id))) if data is not None else 3
    assert not is_valid_agent_id(agent_id[:position] + bad + agent_id[position:])


@given(st.text(ID_CHAR, min_size=2, max_size=50))
def test_agent_id_with_a_trailing_newline_is_rejected(agent_id: str) -> None:
    # `$` would match before a final "\n"; the rule must not
    assert not is_valid_agent_id(agent_id + "\n")
    assert not is_valid_agent_id("\n" + agent_id)


@given(st.one_of(st.text(ID_CHAR, max_size=1), st.text(ID_CHAR, min_size=51, max_size=90)))
def test_agent_id_of_wrong_length_is_rejected(agent_id: str) -> None:
    assert not is_valid_agent_id(agent_id)


@given(NON_STRINGS)
def test_non_string_agent_ids_are_rejected(value: Any) -> None:
    assert not is_valid_agent_id(value)


# --- agentData (2-100 of [A-Za-z0-9.@_-]) -------------------------------------------


@given(st.text(ID_CHAR, min_size=2, max_size=100))
def test_valid_agent_data_is_accepted(value: str) -> None:
    assert is_valid_agent_data(value)


@given(st.text(ID_CHAR, min_size=2, max_size=100),
       st.characters(exclude_characters=ID_ALPHABET, exclude_categories=["Cs"]))
@example("crm.42", "\n")
@example("crm.42", " ")
def test_agent_data_with_a_forbidden_character_is_rejected(value: str, bad: str) -> None:
    assert not is_valid_agent_data(value + bad)
    assert not is_valid_agent_data(bad + value)
    assert not is_valid_agent_data(value[:1] + bad + value[1:])


@given(st.one_of(st.text(ID_CHAR, max_size=1), st.text(ID_CHAR, min_size=101, max_size=150),
                 NON_STRINGS))
def test_agent_data_of_wrong_length_or_type_is_rejected(value: Any) -> None:
    assert not is_valid_agent_data(value)


# --- autoAnswer (1-20 of letters, digits, _ -) ---------------------------------------

AUTO_ALPHABET = string.ascii_letters + string.digits + "_-"


@given(st.text(st.sampled_from(AUTO_ALPHABET), min_size=1, max_size=20))
def test_valid_auto_answer_is_accepted(value: str) -> None:
    assert is_valid_auto_answer(value)


@given(st.one_of(
    st.just(""),
    st.text(st.sampled_from(AUTO_ALPHABET), min_size=21, max_size=40),
    st.text(st.sampled_from(AUTO_ALPHABET), min_size=1, max_size=19).map(lambda s: s + "."),
    st.text(st.sampled_from(AUTO_ALPHABET), min_size=1, max_size=19).map(lambda s: s + "\n"),
    NON_STRINGS,
))
def test_invalid_auto_answer_is_rejected(value: Any) -> None:
    assert not is_valid_auto_answer(value)


# --- password length (3-50 characters) ----------------------------------------------


@given(st.text(st.characters(exclude_categories=["Cs"]), min_size=3, max_size=50))
@example("abc")
@example("🔑🔑🔑")  # characters, not bytes or UTF-16 units
def test_passwords_of_3_to_50_characters_are_accepted(password: str) -> None:
    assert is_valid_password_length(password)


@given(st.one_of(st.text(max_size=2), st.text(min_size=51, max_size=120), NON_STRINGS))
@example("ab")
@example("x" * 51)
def test_passwords_of_other_lengths_or_types_are_rejected(value: Any) -> None:
    assert not is_valid_password_length(value)


# --- email (syntax only, at most 254 characters) -------------------------------------

LOCAL_CHARS = st.sampled_from(string.ascii_lowercase + string.digits + "_+")
LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
TLD = st.sampled_from(["com", "org", "net", "io", "in", "co", "dev", "museum"])


@st.composite
def simple_emails(draw: st.DrawFn) -> str:
    atoms = draw(st.lists(st.text(LOCAL_CHARS, min_size=1, max_size=10), min_size=1,
                          max_size=3))
    labels = draw(st.lists(LABEL, min_size=1, max_size=3))
    return ".".join(atoms) + "@" + ".".join([*labels, draw(TLD)])


@given(simple_emails())
@example("priya@example.com")
@example("Priya.Sharma+crm@mail.example.co")
def test_simple_valid_emails_are_accepted(email: str) -> None:
    assert is_valid_email(email)


@given(simple_emails())
def test_emails_without_an_at_sign_are_rejected(email: str) -> None:
    assert not is_valid_email(email.replace("@", ""))
    assert not is_valid_email(email.replace("@", "."))


@given(simple_emails(), st.data())
def test_emails_with_a_space_are_rejected(email: str, data: Any) -> None:
    position = data.draw(st.integers(1, len(email) - 1))
    assert not is_valid_email(email[:position] + " " + email[position:])
    assert not is_valid_email(email + " ")
    assert not is_valid_email(" " + email)


@pytest.mark.parametrize("email", [
    "", "@", "a@", "@b.com", "a@@b.com", "a@b", "a@b..com", ".a@b.com", "a.@b.com",
    "a..b@c.com", "a@-b.com", "a@b.com\n", "a@b.com.", "a b@c.com",
])
def test_malformed_emails_are_rejected(email: str) -> None:
    assert not is_valid_email(email)


def _email_of_length(length: int) -> str:
    """A syntactically valid address of exactly `length` characters (>= 70)."""
    local = "a" * 64
    domain_len = length - len(local) - 1 - len(".com")
    labels = []
    while domain_len > 0:
        size = min(63, domain_len)
        if domain_len - size == 1:  # do not leave a remainder too short for "." + label
            size -= 1
        labels.append("b" * size)
        domain_len -= size + 1
    address = local + "@" + ".".join(labels) + ".com"
    assert len(address) == length, (len(address), length)
    return address


def test_email_length_limit_is_254_characters() -> None:
    assert is_valid_email(_email_of_length(254))
    assert not is_valid_email(_email_of_length(255))


@given(st.integers(255, 400))
def test_emails_over_254_characters_are_rejected(length: int) -> None:
    assert not is_valid_email(_email_of_length(length))


@given(NON_STRINGS)
def test_non_string_emails_are_rejected(value: Any) -> None:
    assert not is_valid_email(value)


# --- blank (empty, or only whitespace, or null) -------------------------------------

WHITESPACE = st.characters(
    codec="utf-8", categories=["Zs", "Zl", "Zp", "Cc"]
).filter(str.isspace)


@given(st.text(WHITESPACE, max_size=10))
@example("")
@example(" \t\r\n\u00a0\u3000")
def test_empty_or_whitespace_strings_are_blank(value: str) -> None:
    assert is_blank(value)


def test_null_is_blank() -> None:
    assert is_blank(None)


@given(st.text(WHITESPACE, max_size=5), st.characters(exclude_categories=["Cs"]),
       st.text(WHITESPACE, max_size=5))
def test_a_string_with_a_visible_character_is_not_blank(before: str, char: str,
                                                       after: str) -> None:
    assume(not char.isspace())
    assert not is_blank(before + char + after)


@given(st.one_of(st.booleans(), st.integers(), st.floats(allow_nan=False),
                 st.lists(st.none(), max_size=2), st.dictionaries(st.text(), st.none())))
def test_non_string_values_other_than_null_are_not_blank(value: Any) -> None:
    # a number where a string is expected fails the *format* check, not the blank check
    assert not is_blank(value)

