"""The access evaluator: a faithful model of the part of IAM evaluation an ECR pull or push goes
through, saying for each step which side refuses and how to fix it. Pure: no Pulumi, no boto3."""

from ecr_shared_services.access.context import Caller, RequestContext, parse_caller
from ecr_shared_services.access.errors import AccessInputError, PolicyFormatError
from ecr_shared_services.access.evaluator import evaluate_access, parse_target, steps_for
from ecr_shared_services.access.grammar import Policy, PolicyKind, parse_policy
from ecr_shared_services.access.question import Policies, RepositoryFound, Unreadable
from ecr_shared_services.access.report import to_json, to_json_dict, to_text
from ecr_shared_services.access.results import AccessReport, Finding, Fix, SideVerdict, StatementRef, StepResult
from ecr_shared_services.access.truth import Truth

__all__ = [
    "AccessInputError",
    "AccessReport",
    "Caller",
    "Finding",
    "Fix",
    "Policies",
    "Policy",
    "PolicyFormatError",
    "PolicyKind",
    "RepositoryFound",
    "RequestContext",
    "SideVerdict",
    "StatementRef",
    "StepResult",
    "Truth",
    "Unreadable",
    "evaluate_access",
    "parse_caller",
    "parse_policy",
    "parse_target",
    "steps_for",
    "to_json",
    "to_json_dict",
    "to_text",
]
