"""StateStore and copy_value: SEMANTICS §3.1 and §7 S7."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from tfc.errors import ExecutionStateError
from tfc.runtime.state import StateStore, copy_value


@dataclasses.dataclass
class Box:
    items: list[int]


# -- copy_value ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(None, id="none"),
        pytest.param(True, id="bool"),
        pytest.param(3, id="int"),
        pytest.param(2.5, id="float"),
        pytest.param("text", id="str"),
        pytest.param(b"raw", id="bytes"),
        pytest.param((1, "a", None), id="tuple-of-atoms"),
        pytest.param(frozenset({1, 2}), id="frozenset-of-atoms"),
    ],
)
def test_copy_value_returns_immutables_as_they_are(value: object) -> None:
    assert copy_value(value) is value


def test_copy_value_copies_nested_containers() -> None:
    inner = [1, 2]
    value = {"b": inner, "a": ({"x": inner},), "s": {1, 2}}
    copied = copy_value(value)
    assert copied == value
    assert isinstance(copied, dict)
    assert list(copied) == ["b", "a", "s"]
    assert copied["b"] is not inner
    assert copied["a"][0]["x"] is not inner
    assert copied["s"] is not value["s"]


def test_copy_value_deep_copies_other_objects() -> None:
    box = Box([1])
    copied = copy_value(box)
    assert copied == box
    assert isinstance(copied, Box)
    assert copied.items is not box.items


def test_copy_value_survives_a_self_referencing_list() -> None:
    cycle: list[object] = [1]
    cycle.append(cycle)
    copied = copy_value(cycle)
    assert isinstance(copied, list)
    assert copied is not cycle
    assert copied[1] is copied


# -- reads and copies ------------------------------------------------------------------------


def test_initial_state_is_copied() -> None:
    initial = {"items": [1]}
    state = StateStore(initial)
    initial["items"].append(2)
    assert state.get("items") == [1]


def test_mutating_the_written_value_does_not_change_state() -> None:
    state = StateStore()
    value = {"tags": ["a"]}
    state.set("doc", value)
    value["tags"].append("b")
    assert state.get("doc") == {"tags": ["a"]}


def test_mutating_a_read_value_does_not_change_state() -> None:
    state = StateStore({"doc": {"tags": ["a"]}})
    doc = state.get("doc")
    assert isinstance(doc, dict)
    doc["tags"].append("b")
    whole = state.get()
    assert isinstance(whole, dict)
    whole["doc"] = None
    assert state.get("doc") == {"tags": ["a"]}


def test_set_returns_a_copy_of_the_stored_value() -> None:
    state = StateStore()
    returned = state.set("doc", {"tags": ["a"]})
    assert returned == {"tags": ["a"]}
    assert isinstance(returned, dict)
    returned["tags"].append("b")
    assert state.get("doc") == {"tags": ["a"]}


def test_missing_key_returns_the_default() -> None:
    state = StateStore({"a": {"b": 1}})
    assert state.get("missing") is None
    assert state.get("missing", 7) == 7
    assert state.get("a.c", "d") == "d"
    assert state.get("a.b.c", "d") == "d"


def test_set_replaces_without_merging() -> None:
    state = StateStore({"doc": {"a": 1, "b": 2}})
    state.set("doc", {"c": 3})
    assert state.get("doc") == {"c": 3}
    state.set("doc", {})
    assert state.get("doc") == {}


# -- dotted keys -----------------------------------------------------------------------------


def test_dotted_set_creates_nested_dicts() -> None:
    state = StateStore()
    assert state.set("a.b", 1) == 1
    assert state.snapshot() == {"a": {"b": 1}}
    assert state.get("a.b") == 1
    assert "a.b" in state
    assert "a.c" not in state


def test_dotted_set_replaces_a_non_dict_intermediate() -> None:
    state = StateStore({"a": 5})
    state.set("a.b.c", 1)
    assert state.snapshot() == {"a": {"b": {"c": 1}}}


def test_dotted_set_keeps_siblings() -> None:
    state = StateStore({"a": {"x": 1}})
    state.set("a.y", 2)
    assert state.get("a") == {"x": 1, "y": 2}


def test_a_literal_dotted_key_wins_over_the_path() -> None:
    state = StateStore({"x.y": "literal", "x": {"y": "nested"}})
    assert state.get("x.y") == "literal"
    state.set("x.y", "changed")
    assert state.snapshot() == {"x.y": "changed", "x": {"y": "nested"}}
    assert state.delete("x.y")
    assert state.get("x.y") == "nested"


def test_keys_with_empty_parts_are_plain_keys() -> None:
    state = StateStore()
    state.set("$final_result", 1)
    state.set(".hidden", 2)
    assert state.snapshot() == {"$final_result": 1, ".hidden": 2}


# -- append ----------------------------------------------------------------------------------


def test_append_to_a_missing_key_creates_a_list() -> None:
    state = StateStore()
    assert state.append("log", "a") == ["a"]
    assert state.get("log") == ["a"]


def test_append_to_a_list_extends_it() -> None:
    state = StateStore({"log": ["a"]})
    returned = state.append("log", "b")
    assert returned == ["a", "b"]
    assert isinstance(returned, list)
    returned.append("c")
    assert state.get("log") == ["a", "b"]


def test_append_to_a_scalar_makes_a_pair() -> None:
    state = StateStore({"log": "a"})
    assert state.append("log", "b") == ["a", "b"]


def test_append_copies_the_item() -> None:
    state = StateStore()
    item = {"n": 1}
    state.append("log", item)
    item["n"] = 2
    assert state.get("log") == [{"n": 1}]


def test_append_through_a_dotted_key() -> None:
    state = StateStore()
    state.append("run.log", 1)
    state.append("run.log", 2)
    assert state.snapshot() == {"run": {"log": [1, 2]}}


# -- delete and version ----------------------------------------------------------------------


def test_delete_removes_and_reports() -> None:
    state = StateStore({"a": {"b": 1, "c": 2}, "d": 3})
    assert state.delete("a.b")
    assert state.delete("d")
    assert state.snapshot() == {"a": {"c": 2}}


def test_delete_of_a_missing_key_is_a_no_op() -> None:
    state = StateStore({"a": 1})
    assert not state.delete("missing")
    assert not state.delete("a.b")
    assert not state.delete("x.y.z")
    assert state.version == 0
    assert state.snapshot() == {"a": 1}


def test_every_effective_write_bumps_the_version() -> None:
    state = StateStore({"a": 1})
    assert state.version == 0
    state.set("a", 1)
    assert state.version == 1
    state.append("log", 1)
    assert state.version == 2
    state.delete("a")
    assert state.version == 3
    state.get("log")
    state.snapshot()
    assert state.version == 3
    state.restore({"b": 2})
    assert state.version == 4


# -- snapshot, restore, freeze ---------------------------------------------------------------


def test_snapshot_keeps_insertion_order_and_is_a_copy() -> None:
    state = StateStore()
    for key in ("z", "a", "m"):
        state.set(key, [key])
    snapshot = state.snapshot()
    assert list(snapshot) == ["z", "a", "m"]
    assert state.keys() == ["z", "a", "m"]
    assert len(state) == 3
    snapshot["z"] = None
    assert state.get("z") == ["z"]


def test_overwriting_keeps_the_key_position() -> None:
    state = StateStore({"a": 1, "b": 2})
    state.set("a", 3)
    assert list(state.snapshot()) == ["a", "b"]


def test_restore_replaces_the_contents_with_a_copy() -> None:
    state = StateStore({"old": 1})
    data = {"new": [1]}
    state.restore(data)
    data["new"].append(2)
    assert state.snapshot() == {"new": [1]}


def test_frozen_state_refuses_writes_but_reads_work() -> None:
    state = StateStore({"a": {"b": 1}})
    state.freeze()
    state.freeze()
    assert state.frozen
    writes: list[Callable[[], object]] = [
        lambda: state.set("a", 2),
        lambda: state.append("a", 2),
        lambda: state.delete("a"),
        lambda: state.delete("missing"),
        lambda: state.restore({}),
    ]
    for write in writes:
        with pytest.raises(ExecutionStateError, match="state is frozen: the execution is closed"):
            write()
    assert state.get("a.b") == 1
    assert state.snapshot() == {"a": {"b": 1}}
    assert state.version == 0


# -- set_if_missing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("initial", "key", "stored"),
    [
        pytest.param({}, "result", True, id="plain-missing"),
        pytest.param({"result": 0}, "result", False, id="plain-present"),
        pytest.param({"result": None}, "result", False, id="plain-present-none"),
        pytest.param({"a": {"b": 1}}, "a.b", False, id="dotted-present"),
        pytest.param({"a": {"c": 1}}, "a.b", True, id="dotted-missing"),
        pytest.param({"a.b": 1}, "a.b", False, id="literal-dotted-key"),
    ],
)
def test_set_if_missing_is_set_unless_contained(initial: dict[str, object], key: str, stored: bool) -> None:
    """Same store, same version and same answer as ``if key not in state: state.set(...)``."""
    fast, slow = StateStore(initial), StateStore(initial)
    assert fast.set_if_missing(key, [7]) is stored
    if key not in slow:
        slow.set(key, [7])
    assert fast.snapshot() == slow.snapshot()
    assert list(fast.snapshot()) == list(slow.snapshot())
    assert fast.version == slow.version == (1 if stored else 0)


def test_set_if_missing_stores_a_copy() -> None:
    state = StateStore()
    value = [1]
    assert state.set_if_missing("result", value)
    value.append(2)
    assert state.get("result") == [1]


def test_set_if_missing_on_a_frozen_state() -> None:
    state = StateStore({"result": 1})
    state.freeze()
    assert not state.set_if_missing("result", 2)  # nothing to write: no error, as `in` + `set`
    for key in ("other", "a.b"):
        with pytest.raises(ExecutionStateError, match="state is frozen: the execution is closed"):
            state.set_if_missing(key, 2)
    assert state.snapshot() == {"result": 1}
    assert state.version == 0
