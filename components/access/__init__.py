"""The access evaluator: a faithful model of the part of IAM evaluation an ECR pull or push goes
through, saying for each step which side refuses and how to fix it. Pure: no Pulumi, no boto3."""

from components.access.context import Caller, RequestContext, parse_caller
from components.access.errors import AccessInputError, PolicyFormatError
from components.access.evaluator import evaluate_access, parse_target, steps_for
from components.access.grammar import Policy, PolicyKind, parse_policy
from components.access.report import to_json, to_json_dict, to_text
from components.access.results import AccessReport, Finding, Fix, SideVerdict, StatementRef, StepResult
from components.access.truth import Truth

__all__ = [
    "AccessInputError",
    "AccessReport",
    "Caller",
    "Finding",
    "Fix",
    "Policy",
    "PolicyFormatError",
    "PolicyKind",
    "RequestContext",
    "SideVerdict",
    "StatementRef",
    "StepResult",
    "Truth",
    "evaluate_access",
    "parse_caller",
    "parse_policy",
    "parse_target",
    "steps_for",
    "to_json",
    "to_json_dict",
    "to_text",
]
