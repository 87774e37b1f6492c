"""The 422's list names each field by its own path: pydantic's tags of a union's members (`str-enum[...]`,
`literal['']`, `list[int]`) never reach a client, and a value no member accepts is one error, not one per
member."""

from typing import Literal

import pydantic
import pytest

from accord.api import _validation_errors


class Choice(pydantic.BaseModel):
    colour: Literal["red", "green"] | Literal[""] = ""
    sizes: list[int] | dict[str, int] = []
    count: int = 0


def _errors(**values: object) -> list[dict[str, object]]:
    with pytest.raises(pydantic.ValidationError, match="validation error") as caught:
        Choice(**values)
    return _validation_errors([{**e, "loc": ("body", "payload", *e["loc"])} for e in caught.value.errors()])


def test_a_union_of_choices_is_one_error_listing_every_allowed_value():
    assert _errors(colour="blue") == [{"field": "colour", "message": "Input should be 'red' or 'green', or empty ('')"}]


def test_a_union_of_other_types_is_one_error_joining_what_each_member_takes():
    assert _errors(sizes="many") == [
        {"field": "sizes", "message": "Input should be a valid list or a valid dictionary"}]


def test_errors_inside_a_union_member_keep_their_path_without_the_members_tag():
    assert _errors(sizes=[1, "x"], count="y") == [
        {"field": "sizes.1", "message": "Input should be a valid integer, unable to parse string as an integer"},
        {"field": "sizes", "message": "Input should be a valid dictionary"},
        {"field": "count", "message": "Input should be a valid integer, unable to parse string as an integer"},
    ]
