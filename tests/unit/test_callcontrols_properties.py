"""callControls (spec 5.4): every nesting of a set of controls means its flat form."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from agentdir.agents.callcontrols import CALL_CONTROLS, CallControlsError, flatten_call_controls

# The spec's list, written out: the implementation's constant must match it.
SPEC_CONTROLS = [
    "mute", "hold", "endcall", "answer", "decline",
    "transfer_agent_warm", "transfer_agent_blind", "transfer_skill_warm",
    "transfer_skill_blind", "transfer_phone_warm", "transfer_phone_blind",
    "transfer_ivr_warm", "transfer_ivr_blind", "conference_agent", "conference_phone",
]
PREFIXES = {
    "_".join(name.split("_")[:i]) for name in SPEC_CONTROLS for i in range(1, name.count("_") + 1)
}

flat_controls = st.dictionaries(st.sampled_from(SPEC_CONTROLS), st.booleans())


def test_known_controls_are_the_spec_list() -> None:
    assert list(CALL_CONTROLS) == SPEC_CONTROLS


def _segments(name: str, cuts: list[bool]) -> list[str]:
    """Split `name` at the underscores whose entry in `cuts` is true."""
    parts = name.split("_")
    segments = [parts[0]]
    for part, cut in zip(parts[1:], cuts, strict=True):
        if cut:
            segments.append(part)
        else:
            segments[-1] += "_" + part
    return segments


def _insert(tree: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        tree = tree.setdefault(key, {})
    tree[path[-1]] = value


@st.composite
def nested_forms(draw: st.DrawFn, flat: dict[str, bool]) -> dict[str, Any]:
    """One of the many nested spellings of `flat`: each control split at any depth,
    keys in any order."""
    names = draw(st.permutations(sorted(flat)))
    tree: dict[str, Any] = {}
    for name in names:
        cuts = draw(st.lists(st.booleans(), min_size=name.count("_"),
                             max_size=name.count("_")))
        _insert(tree, _segments(name, cuts), flat[name])
    return tree


@given(flat_controls)
def test_the_flat_form_is_its_own_meaning(flat: dict[str, bool]) -> None:
    assert flatten_call_controls(flat) == flat


@given(flat_controls, st.data())
def test_every_nested_form_flattens_to_the_flat_form(flat: dict[str, bool], data: Any) -> None:
    nested = data.draw(nested_forms(flat))
    assert flatten_call_controls(nested) == flat


@given(flat_controls)
def test_fully_nested_form_flattens_to_the_flat_form(flat: dict[str, bool]) -> None:
    tree: dict[str, Any] = {}
    for name, value in flat.items():
        _insert(tree, name.split("_"), value)
    assert flatten_call_controls(tree) == flat


def test_documented_examples() -> None:
    assert flatten_call_controls({"transfer": {"agent": {"warm": True}}}) == {
        "transfer_agent_warm": True}
    assert flatten_call_controls({"transfer_agent": {"warm": True}}) == {
        "transfer_agent_warm": True}
    assert flatten_call_controls({"conference": {"phone": True}}) == {"conference_phone": True}
    assert flatten_call_controls({}) == {}


@given(flat_controls, st.data())
def test_the_same_control_twice_with_the_same_value_is_fine(flat: dict[str, bool],
                                                          data: Any) -> None:
    assume(any("_" in name for name in flat))
    name = data.draw(st.sampled_from(sorted(n for n in flat if "_" in n)))
    tree = dict(flat)
    _insert(tree, name.split("_"), flat[name])  # the flat key stays, a nested one is added
    assert flatten_call_controls(tree) == flat


@given(flat_controls, st.data())
def test_the_same_control_twice_with_different_values_is_an_error(
    flat: dict[str, bool], data: Any
) -> None:
    name = data.draw(st.sampled_from([n for n in SPEC_CONTROLS if "_" in n]))
    value = data.draw(st.booleans())
    tree: dict[str, Any] = {k: v for k, v in flat.items() if k != name}
    tree[name] = value
    cuts = data.draw(st.lists(st.booleans(), min_size=name.count("_"),
                              max_size=name.count("_")).filter(any))
    _insert(tree, _segments(name, cuts), not value)
    with pytest.raises(CallControlsError):
        flatten_call_controls(tree)


UNKNOWN_NAME = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyz_"), min_size=1, max_size=12
).filter(lambda s: s not in SPEC_CONTROLS and s not in PREFIXES)


@given(flat_controls, UNKNOWN_NAME, st.booleans())
def test_unknown_top_level_control_is_an_error(flat: dict[str, bool], unknown: str,
                                               value: bool) -> None:
    with pytest.raises(CallControlsError):
        flatten_call_controls({**flat, unknown: value})


@given(st.sampled_from(sorted(PREFIXES)), UNKNOWN_NAME, st.booleans())
def test_unknown_nested_control_is_an_error(prefix: str, unknown: str, value: bool) -> None:
    assume(f"{prefix}_{unknown}" not in SPEC_CONTROLS and f"{prefix}_{unknown}" not in PREFIXES)
    tree: dict[str, Any] = {}
    _insert(tree, [*prefix.split("_"), unknown], value)
    with pytest.raises(CallControlsError):
        flatten_call_controls(tree)


@pytest.mark.parametrize("value", [
    {"Mute": True},  # names are case-sensitive
    {"transfer": {"agent": {"warm": True, "tepid": False}}},
    {"transfer": {"agent": {"warm": {"really": True}}}},  # a leaf is not a prefix
    {"mute": {"on": True}},
    {"transfer_agent_warm_x": True},
    {"": True},
    {"transfer__agent_warm": True},
])
def test_unknown_control_examples_are_errors(value: dict[str, Any]) -> None:
    with pytest.raises(CallControlsError):
        flatten_call_controls(value)


NON_BOOL = st.one_of(
    st.none(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5),
    st.lists(st.booleans(), max_size=2),
)


@given(flat_controls, st.sampled_from(SPEC_CONTROLS), NON_BOOL, st.data())
def test_a_non_boolean_leaf_is_an_error(flat: dict[str, bool], name: str, bad: Any,
                                        data: Any) -> None:
    tree: dict[str, Any] = {k: v for k, v in flat.items() if k != name}
    cuts = data.draw(st.lists(st.booleans(), min_size=name.count("_"),
                              max_size=name.count("_")))
    _insert(tree, _segments(name, cuts), bad)
    with pytest.raises(CallControlsError):
        flatten_call_controls(tree)


@given(st.sampled_from(sorted(PREFIXES)),
       st.one_of(st.booleans(), st.integers(), st.text(max_size=5), st.none(),
                 st.lists(st.booleans(), max_size=2)))
def test_a_prefix_whose_value_is_not_an_object_is_an_error(prefix: str, bad: Any) -> None:
    tree: dict[str, Any] = {}
    _insert(tree, prefix.split("_"), bad)
    with pytest.raises(CallControlsError):
        flatten_call_controls(tree)


@given(st.one_of(st.booleans(), st.integers(), st.text(max_size=5),
                 st.lists(st.booleans(), max_size=3),
                 st.lists(st.sampled_from(SPEC_CONTROLS), max_size=3)))
def test_a_non_object_value_is_an_error(value: Any) -> None:
    with pytest.raises(CallControlsError):
        flatten_call_controls(value)


def test_errors_say_what_is_wrong() -> None:
    with pytest.raises(CallControlsError, match="tepid"):
        flatten_call_controls({"transfer": {"agent": {"tepid": True}}})
    with pytest.raises(CallControlsError, match="mute"):
        flatten_call_controls({"mute": "yes"})
