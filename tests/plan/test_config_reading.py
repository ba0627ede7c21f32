"""A stack config written as a JSON object is read by the JSON parser (a 17 MB registry config: 23 s with YAML's C
loader, under a second as JSON), and always to the value YAML reads from it; a document where the two differ is
read as YAML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from ecr_shared_services.plan.project import _NOT_PLAIN_JSON, ProjectError, _as_json, _plain_json_text, read_yaml

ASCII_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    ASCII_TEXT,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ASCII_TEXT, inner, max_size=4),
    max_leaves=20,
)
LAYOUTS = st.sampled_from([None, 2, "\t", 0])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(ASCII_TEXT, VALUES, max_size=6), LAYOUTS)
def test_a_json_config_reads_as_yaml_reads_it_or_goes_to_yaml(value: dict[str, Any], indent: Any) -> None:
    text = json.dumps(value, indent=indent)
    fast = _as_json(text)
    try:
        slow = yaml.safe_load(text)
    except yaml.YAMLError:  # a document YAML refuses (tabs) is refused as before, by YAML
        assert fast is None
    else:
        assert fast is None or fast == slow


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(ASCII_TEXT, st.one_of(st.none(), st.booleans(), st.integers(), ASCII_TEXT), max_size=6))
def test_a_json_config_without_floats_takes_the_json_path(value: dict[str, Any]) -> None:
    text = json.dumps({"config": value})
    # Any `\u` in the text (an escape, or an escaped backslash before a u) is left to YAML, conservatively.
    assume("\\u" not in text)
    assert _as_json(text) == {"config": value}


def test_values_yaml_reads_differently_send_the_document_to_yaml() -> None:
    # YAML 1.1 (PyYAML) reads an exponent without a dot or without a sign as a string ("Language-Independent
    # Types for YAML 1.1", float), and folds U+2028 as a line break.
    for text in ['{"a": 1e5}', '{"a": 1.5e3}', '{"a": "x\u2028y"}', '{"a": "\\u00e9"}', '{"a": NaN}', "a: 1"]:
        assert _as_json(text) is None, text
    assert yaml.safe_load('{"a": 1e5}') == {"a": "1e5"}
    assert (
        _as_json('{"a": 1.5e+3, "b": "x\\/y", "a": 2}')
        == {"a": 2, "b": "x/y"}
        == yaml.safe_load('{"a": 1.5e+3, "b": "x\\/y", "a": 2}')
    )


def test_documents_yaml_refuses_are_refused_by_yaml() -> None:
    # YAML's simple keys end on their line and are at most 1,024 characters (YAML 1.1, "Flow Mappings").
    for text in ['{"a"\n: 1}', '{"' + "k" * 1100 + '": 1}', '{"a"' + " " * 1100 + ": 1}"]:
        assert _as_json(text) is None
        with pytest.raises(yaml.YAMLError):
            yaml.safe_load(text)
    near = '{"' + "k" * 400 + '": 1,\n "b": "x"\n  , "c": 2}'
    assert _as_json(near) == yaml.safe_load(near)


def test_a_file_that_is_neither_json_nor_yaml_still_says_where(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text('{"config": {"a": [1, 2}}')
    try:
        read_yaml(path)
    except ProjectError as error:
        assert "is not valid YAML" in str(error) and "line 1" in str(error)
    else:
        raise AssertionError("a broken document was read")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab "\\:u\t\n\r\x7f\x1fé\u2028{}')), max_size=40))
@example('{"a"\r: 1}')
@example('{"a" \n : 1}')
@example('{"a": "b :"}')
@example('{"a": "\\u00e9"}')
@example('{"a": "\x7f"}')
def test_the_scan_for_text_yaml_reads_differently_is_the_regular_expression(text: str) -> None:
    assert _plain_json_text(text) is (_NOT_PLAIN_JSON.search(text) is None)
