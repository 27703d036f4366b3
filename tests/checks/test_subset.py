"""The subset checker: precise on the constructs it knows, silent (and counting) on the rest."""

import collections
import enum
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NewType, Optional, Protocol, TypedDict, TypeVar, Union

import pytest

from tfc.typecheck.runtime import from_runtime
from tfc.typecheck.subset import SubsetChecker
from tfc.typecheck.terms import builtin, display


class Color(enum.Enum):
    RED = 1


class Base:
    pass


class Child(Base):
    pass


@dataclass
class Point:
    x: int


class Full(TypedDict):
    a: int
    b: str


class Partial(TypedDict, total=False):
    a: int


class Wider(TypedDict):
    a: int
    b: str
    c: float


class Named(Protocol):
    name: str


UserId = NewType("UserId", int)
T = TypeVar("T")

ACCEPTED = [
    (int, bool),
    (float, int),
    (complex, float),
    (object, Point),
    (Base, Child),
    (Optional[int], None),
    (Optional[int], int),
    (Union[int, str], Literal["a"]),
    (str, Literal["a", "b"]),
    (Literal["a", "b"], Literal["a"]),
    (Color, Literal[Color.RED]),
    (Sequence[int], list[bool]),
    (Iterable[str], str),
    (Iterable[object], dict[str, int]),
    (Mapping[str, int], dict[str, bool]),
    (MutableMapping[str, Any], dict[str, int]),
    (Sequence[int | str], tuple[int, str]),
    (tuple[int, ...], tuple[int, int]),
    (tuple[int, str], tuple[bool, str]),
    (list[Any], list[int]),
    (list, list[int]),
    (Mapping[str, object], Full),
    (dict[str, int | str], Full),
    (Full, Wider),
    (Partial, Full),
    (Full, dict[str, int]),
    (int, UserId),
    (Any, Point),
    (Point, Any),
    (T, str),
    (int, T),
    (Named, Point),  # a protocol: not understood, accepted
    (Callable[[int], int], int),  # a callable type: not understood, accepted
    (Iterable[int], collections.deque[int]),
]

REJECTED = [
    (str, int),
    (int, str),
    (int, float),
    (int, None),
    (Child, Base),
    (Point, Base),
    (int, Optional[int]),
    (Literal["a"], str),
    (Literal["a"], Literal["b"]),
    (Sequence[int], list[str]),
    (Mapping[str, int], dict[str, str]),
    (list[int], tuple[int, ...]),
    (tuple[int, int], tuple[int, ...]),
    (tuple[int, str], tuple[int, int]),
    (Full, Partial),
    (Wider, Full),
    (Full, str),
    (Point, Full),
    (Iterator[int], list[int]),
    (dict[str, int], Full | None),
]


def _check(target: object, value: object) -> tuple[bool, SubsetChecker]:
    checker = SubsetChecker()
    return checker.accepts(from_runtime(target), from_runtime(value)), checker


@pytest.mark.parametrize(("target", "value"), ACCEPTED, ids=lambda t: display(from_runtime(t)))
def test_accepted(target: object, value: object) -> None:
    ok, _ = _check(target, value)
    assert ok


@pytest.mark.parametrize(("target", "value"), REJECTED, ids=lambda t: display(from_runtime(t)))
def test_rejected(target: object, value: object) -> None:
    ok, _ = _check(target, value)
    assert not ok


def test_not_understood_constructs_are_counted() -> None:
    ok, checker = _check(Named, int)
    assert ok and checker.unknown == 1
    ok, checker = _check(int, int)
    assert ok and checker.unknown == 0


def test_static_builtins_agree_with_runtime_ones() -> None:
    checker = SubsetChecker()
    static_list = builtin("list", builtin("str"))
    assert checker.accepts(from_runtime(Sequence[str]), static_list)
    assert not checker.accepts(from_runtime(Sequence[int]), static_list)
    assert checker.accepts(builtin("float"), builtin("bool"))
    assert not checker.accepts(builtin("str"), builtin("int"))


def test_for_each_items() -> None:
    checker = SubsetChecker()
    assert display(checker.iteration(from_runtime(list[str])).item) == "str"
    assert display(checker.iteration(from_runtime(tuple[int, str])).item) == "int | str"
    assert display(checker.iteration(from_runtime(str)).item) == "str"  # one item at run time
    assert display(checker.iteration(from_runtime(Full)).item) == "Full"
    assert checker.iteration(from_runtime(int)).iterable is False
    assert checker.iteration(from_runtime(Optional[int])).iterable is False
    assert checker.iteration(from_runtime(Optional[list[int]])).iterable is True
    assert checker.iteration(from_runtime(Any)).iterable is None


def test_display() -> None:
    assert display(from_runtime(Optional[list[str]])) == "list[str] | None"
    assert display(from_runtime(Literal["a", "b"])) == "Literal['a', 'b']"
    assert display(from_runtime(tuple[int, ...])) == "tuple[int, ...]"
    assert display(from_runtime(dict[str, Point])) == "dict[str, Point]"
