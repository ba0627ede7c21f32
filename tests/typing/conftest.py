"""The README's typed Python example, read from between its markers so that tests and README cannot drift."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
_MARKED = re.compile(r"<!-- typed-example:[^>]*-->\n```python\n(.*?)```\n<!-- /typed-example -->", re.S)


@pytest.fixture(scope="session")
def readme_example() -> str:
    """The Python source of the README's example program."""
    found = _MARKED.search(README.read_text())
    assert found, "README.md lost its typed-example markers around the Python example"
    return found.group(1)
