"""Condition operators, the IfExists suffix, the ForAnyValue/ForAllValues prefixes, and AWS's
rules for keys absent from the request context.

AWS rules applied (IAM User Guide, condition operators and multivalued keys):
- a key absent from the context makes a condition false, except that negated operators
  (StringNotEquals, ArnNotLike, ...) are then true; `...IfExists` is true when the key is absent;
- `Null` tests presence: "true" holds when the key is absent;
- several values for one key are ORed (NORed for negated operators); several keys and several
  operators are ANDed;
- `ForAnyValue:` is false for an absent or empty key, `ForAllValues:` is true for one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ecr_shared_services.access.context import ContextKeys
from ecr_shared_services.access.grammar import Condition
from ecr_shared_services.access.truth import Truth, all_of, any_of
from ecr_shared_services.access.wildcards import arn_matches, wildcard_match

Comparator = Callable[[str, str], Truth]


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _numeric(compare: Callable[[float, float], bool]) -> Comparator:
    def check(context_value: str, policy_value: str) -> Truth:
        left, right = _number(context_value), _number(policy_value)
        if left is None or right is None:
            return Truth.NO
        return Truth.of(compare(left, right))

    return check


def _bool(context_value: str, policy_value: str) -> Truth:
    return Truth.of(context_value.lower() == policy_value.lower() and policy_value.lower() in ("true", "false"))


@dataclass(frozen=True)
class Operator:
    compare: Comparator | None  # None: a real AWS operator this evaluator does not model
    negated: bool = False


_OPERATORS: dict[str, Operator] = {
    "stringequals": Operator(lambda c, p: Truth.of(c == p)),
    "stringnotequals": Operator(lambda c, p: Truth.of(c == p), negated=True),
    "stringequalsignorecase": Operator(lambda c, p: Truth.of(c.casefold() == p.casefold())),
    "stringnotequalsignorecase": Operator(lambda c, p: Truth.of(c.casefold() == p.casefold()), negated=True),
    "stringlike": Operator(lambda c, p: Truth.of(wildcard_match(p, c))),
    "stringnotlike": Operator(lambda c, p: Truth.of(wildcard_match(p, c)), negated=True),
    # ArnEquals and ArnLike behave alike in AWS: both take wildcards per ARN part.
    "arnequals": Operator(lambda c, p: Truth.of(arn_matches(p, c))),
    "arnlike": Operator(lambda c, p: Truth.of(arn_matches(p, c))),
    "arnnotequals": Operator(lambda c, p: Truth.of(arn_matches(p, c)), negated=True),
    "arnnotlike": Operator(lambda c, p: Truth.of(arn_matches(p, c)), negated=True),
    "bool": Operator(_bool),
    "numericequals": Operator(_numeric(lambda a, b: a == b)),
    "numericnotequals": Operator(_numeric(lambda a, b: a == b), negated=True),
    "numericlessthan": Operator(_numeric(lambda a, b: a < b)),
    "numericlessthanequals": Operator(_numeric(lambda a, b: a <= b)),
    "numericgreaterthan": Operator(_numeric(lambda a, b: a > b)),
    "numericgreaterthanequals": Operator(_numeric(lambda a, b: a >= b)),
    # Real operators outside this model: absent-key rules still apply, anything else is unknown.
    "dateequals": Operator(None),
    "datenotequals": Operator(None, negated=True),
    "datelessthan": Operator(None),
    "datelessthanequals": Operator(None),
    "dategreaterthan": Operator(None),
    "dategreaterthanequals": Operator(None),
    "ipaddress": Operator(None),
    "notipaddress": Operator(None, negated=True),
    "binaryequals": Operator(None),
}


@dataclass(frozen=True)
class ConditionResult:
    truth: Truth
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _ParsedOperator:
    set_operator: str | None  # "foranyvalue" | "forallvalues"
    base: str
    if_exists: bool


@lru_cache(maxsize=1024)
def _parse_operator(name: str) -> _ParsedOperator:
    set_operator, _, base = name.rpartition(":")
    lowered = base.lower()
    if_exists = lowered.endswith("ifexists")
    if if_exists:
        lowered = lowered[: -len("ifexists")]
    return _ParsedOperator(set_operator.lower() or None, lowered, if_exists)


def _null(condition: Condition, parsed: _ParsedOperator, present: tuple[str, ...], described: str) -> ConditionResult:
    if parsed.if_exists or parsed.set_operator:
        return ConditionResult(Truth.UNKNOWN, (f"{described}: Null takes no IfExists or set operator",))
    wanted = [v.lower() for v in condition.values]
    if any(v not in ("true", "false") for v in wanted):
        return ConditionResult(Truth.NO, (f'{described}: Null takes "true" or "false"',))
    return ConditionResult(any_of(Truth.of((v == "true") == (not present)) for v in wanted))


def _absent_key(parsed: _ParsedOperator, operator: Operator) -> Truth:
    """A key absent from the request: IfExists and ForAllValues hold, ForAnyValue does not, and
    otherwise only a negated operator holds."""
    if parsed.if_exists or parsed.set_operator == "forallvalues":
        return Truth.YES
    if parsed.set_operator == "foranyvalue":
        return Truth.NO
    return Truth.of(operator.negated)


# Operators whose comparison of one context value with the policy values is a set lookup (the values'
# exact patterns) and never UNKNOWN: the same truth as comparing with each value in turn.
_ARN_OPERATORS = frozenset({"arnequals", "arnlike", "arnnotequals", "arnnotlike"})
_EQUALS_OPERATORS = frozenset({"stringequals", "stringnotequals"})


def _any_value(base: str, compare: Comparator, context_value: str, condition: Condition) -> Truth:
    """Whether `context_value` compares true with some policy value (before negation)."""
    if base in _ARN_OPERATORS:
        return Truth.of(condition.arn_patterns.any_arn(context_value))
    if base in _EQUALS_OPERATORS:
        return Truth.of(context_value in condition.value_set)
    return any_of(compare(context_value, policy_value) for policy_value in condition.values)


def _present_key(
    condition: Condition, parsed: _ParsedOperator, operator: Operator, present: tuple[str, ...], described: str
) -> ConditionResult:
    compare = operator.compare
    if compare is None:
        return ConditionResult(
            Truth.UNKNOWN, (f"{described}: the operator {condition.operator} is not modelled by this evaluator",)
        )

    def value_satisfies(context_value: str) -> Truth:
        matched = _any_value(parsed.base, compare, context_value, condition)
        return matched.negate() if operator.negated else matched

    if parsed.set_operator == "foranyvalue":
        return ConditionResult(any_of(value_satisfies(v) for v in present))
    if parsed.set_operator == "forallvalues":
        return ConditionResult(all_of(value_satisfies(v) for v in present))
    if len(present) > 1:
        return ConditionResult(
            Truth.UNKNOWN,
            (f"{described}: {condition.key} has several values; use ForAnyValue: or ForAllValues:",),
        )
    return ConditionResult(value_satisfies(present[0]))


def evaluate_condition(condition: Condition, keys: ContextKeys) -> ConditionResult:
    """Evaluate one operator/key pair against the request context."""
    described = f"{condition.operator} {condition.key}"
    parsed = _parse_operator(condition.operator)
    if parsed.set_operator not in (None, "foranyvalue", "forallvalues"):
        return ConditionResult(Truth.UNKNOWN, (f"{described}: unknown set operator {parsed.set_operator!r}",))
    found = keys.lookup(condition.key)
    if found == "unknown":
        return ConditionResult(
            Truth.UNKNOWN, (f"{described}: the value of {condition.key} in the request is not known",)
        )
    present: tuple[str, ...] = found or ()
    if parsed.base == "null":
        return _null(condition, parsed, present, described)
    operator = _OPERATORS.get(parsed.base)
    if operator is None:
        return ConditionResult(Truth.UNKNOWN, (f"{described}: unknown condition operator {condition.operator!r}",))
    if condition.has_variable:
        return ConditionResult(Truth.UNKNOWN, (f"{described}: policy variables (${{...}}) are not evaluated",))
    if not present:
        return ConditionResult(_absent_key(parsed, operator))
    return _present_key(condition, parsed, operator, present, described)


def evaluate_conditions(conditions: Sequence[Condition], keys: ContextKeys) -> ConditionResult:
    """All conditions of a statement, ANDed."""
    results = [evaluate_condition(condition, keys) for condition in conditions]
    truth = all_of(result.truth for result in results)
    # Once one condition is false, what others could not evaluate no longer matters.
    notes = tuple(note for result in results for note in result.notes) if truth is Truth.UNKNOWN else ()
    return ConditionResult(truth, notes)
