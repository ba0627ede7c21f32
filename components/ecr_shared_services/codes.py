"""The catalog of violation codes: one stable code per kind of finding, with a short title.

A code keeps its meaning once published, and a retired code is never reused, so that tests, scripts and
searches can rely on it. docs/violation-codes.md lists the same table for users.

ESS0xx: the shape of the input. ESS1xx: identifiers and ARNs. ESS2xx: the registry and its repositories.
ESS3xx: consumers. ESS4xx: puller roles and application stacks. ESS5xx: stack settings.
"""

from __future__ import annotations

CATALOG: dict[str, str] = {
    "ESS001": "required field missing",
    "ESS002": "unknown field",
    "ESS003": "value of the wrong type",
    "ESS004": "value not one of the allowed choices",
    "ESS005": "value out of range or of the wrong length",
    "ESS009": "invalid value",
    "ESS101": "invalid account ID",
    "ESS102": "invalid region",
    "ESS103": "invalid repository name",
    "ESS104": "invalid role name",
    "ESS105": "invalid IAM path",
    "ESS106": "invalid organization ID",
    "ESS107": "invalid organization path",
    "ESS108": "unknown partition",
    "ESS109": "partition does not match the region",
    "ESS110": "invalid role ARN",
    "ESS111": "invalid repository ARN",
    "ESS112": "stack reference not fully qualified",
    "ESS113": "invalid KMS key",
    "ESS114": "invalid log group name",
    "ESS115": "permissions boundary is not a managed policy ARN",
    "ESS116": "invalid tag filter",
    "ESS117": "invalid EKS cluster name",
    "ESS118": "KMS key given by alias or key ID instead of its ARN",
    "ESS201": "registry without repositories",
    "ESS202": "duplicate repository name",
    "ESS203": "private repository with consumers",
    "ESS204": "shared repository without consumers",
    "ESS205": "Lambda consumer in another region",
    "ESS206": "KMS encryption without a key (retired: the AWS-managed key is used)",
    "ESS207": "KMS key with AES256 encryption",
    "ESS208": "exclusion tag mutability without filters",
    "ESS209": "exclusion filters without exclusion tag mutability",
    "ESS210": "lifecycle given both raw and as knobs",
    "ESS211": "raw lifecycle policy without rules",
    "ESS212": "lifecycle policy with every knob off",
    "ESS213": "KMS key in another region",
    "ESS301": "role consumer given both by ARN and by name",
    "ESS302": "role consumer without roles",
    "ESS303": "role names without their account",
    "ESS304": "role listed twice",
    "ESS305": "OU path outside the organization",
    "ESS306": "organization-wide push without opt-in",
    "ESS307": "Lambda consumer without deployer roles or account-root opt-in",
    "ESS308": "Lambda deployer role in another account",
    "ESS309": "account-root opt-in without a description",
    "ESS401": "IRSA trust without an OIDC provider",
    "ESS402": "IRSA trust without a service account",
    "ESS403": "OIDC provider without IRSA trust",
    "ESS404": "namespace or service account without EKS trust",
    "ESS405": "no repositories to pull",
    "ESS406": "repositories by name without the registry's location",
    "ESS407": "repository listed twice",
    "ESS408": "role account set in an application stack",
    "ESS409": "Lambda execution role as a puller",
    "ESS410": "GitHub OIDC trust without subjects",
    "ESS411": "GitHub OIDC subject not narrowed to a repository",
    "ESS412": "trust setting of another service",
    "ESS413": "Fargate cluster without its region",
    "ESS414": "role-creation setting on an existing role",
    "ESS415": "existing role in another account",
    "ESS416": "repositories over the role's identity-policy quotas",
    "ESS417": "invalid repository namespace",
    "ESS418": "namespaces without the registry's location",
    "ESS501": "stack role not set",
    "ESS502": "stack account not pinned",
}

# Codes no finding is reported with any more; kept so that they are never reused.
RETIRED: frozenset[str] = frozenset({"ESS206"})
