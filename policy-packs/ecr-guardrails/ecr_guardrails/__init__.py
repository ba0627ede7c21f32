"""ECR guardrails: rules for shared ECR registries and the roles that pull from them.

The rules are plain functions over plain resources (`model.Resource`), listed in `catalog.RULES`;
`policies.build_policies()` turns them into `pulumi_policy` policies. The pack's `__main__.py` is the
only place that starts a policy pack.
"""

from .catalog import RULES, rule
from .model import Finding, Resource, Rule
from .values import UNKNOWN

PACK_NAME = "ecr-guardrails"

__all__ = ["PACK_NAME", "RULES", "UNKNOWN", "Finding", "Resource", "Rule", "rule"]
