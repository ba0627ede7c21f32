"""Hand-written resources in the shapes the project's components create, clean under every rule."""

from __future__ import annotations

import json
from typing import Any

from ecr_guardrails.model import Resource
from ecr_guardrails.resource_types import (
    LIFECYCLE_POLICY,
    REPOSITORY,
    REPOSITORY_POLICY,
    ROLE,
    ROLE_POLICY,
)

REGISTRY = "987654321098"
APP = "123456789012"
CI = "555555555555"
ORG = "o-a1b2c3d4e5"
REGION = "us-east-1"
PULL = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
PUSH = [*PULL, "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]


def urn(kind: str, name: str) -> str:
    return f"urn:pulumi:dev::ecr-shared-services::{kind}::{name}"


def make(kind: str, name: str, props: dict[str, Any], deps: dict[str, tuple[str, ...]] | None = None) -> Resource:
    return Resource(kind, name, urn(kind, name), props, deps or {})


def repo_arn(name: str) -> str:
    return f"arn:aws:ecr:{REGION}:{REGISTRY}:repository/{name}"


def repository(name: str = "payments", **overrides: Any) -> Resource:
    props: dict[str, Any] = {
        "name": name,
        "imageTagMutability": "IMMUTABLE",
        "imageScanningConfiguration": {"scanOnPush": True},
        "encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": f"arn:aws:kms:{REGION}:{REGISTRY}:key/k1"}],
        "forceDelete": False,
        "tags": {"team": "platform"},
    }
    props.update(overrides)
    return make(REPOSITORY, f"registry-{name}", props)


def statement(principal: Any, actions: list[str], sid: str | None = None, **extra: Any) -> dict[str, Any]:
    st: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": actions}
    if sid:
        st["Sid"] = sid
    st.update(extra)
    return st


def account_pull() -> dict[str, Any]:
    return statement({"AWS": f"arn:aws:iam::{APP}:root"}, PULL, "PullAccount")


def role_pull() -> dict[str, Any]:
    return statement(
        {"AWS": f"arn:aws:iam::{APP}:root"},
        PULL,
        "PullRole",
        Condition={"ArnEquals": {"aws:PrincipalArn": [f"arn:aws:iam::{APP}:role/payments-task"]}},
    )


def org_pull() -> dict[str, Any]:
    return statement("*", PULL, "PullOrg", Condition={"StringEquals": {"aws:PrincipalOrgID": ORG}})


def org_paths_pull() -> dict[str, Any]:
    return statement(
        {"AWS": "*"},
        PULL,
        "PullOrgPaths",
        Condition={"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [f"{ORG}/r-ab12/ou-ab12-11111111/*"]}},
    )


def lambda_pull() -> dict[str, Any]:
    return statement(
        {"Service": "lambda.amazonaws.com"},
        ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        "LambdaPull",
        Condition={"StringLike": {"aws:sourceArn": f"arn:aws:lambda:{REGION}:{APP}:function:*"}},
    )


def ci_push() -> dict[str, Any]:
    return statement({"AWS": f"arn:aws:iam::{CI}:root"}, PUSH, "PushCI")


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def repository_policy(*statements: dict[str, Any], repo: str = "payments", as_dict: bool = False) -> Resource:
    body = document(*(statements or (account_pull(), role_pull(), org_pull(), org_paths_pull(), lambda_pull())))
    return make(
        REPOSITORY_POLICY,
        f"registry-{repo}-policy",
        {"repository": repo, "policy": body if as_dict else json.dumps(body)},
    )


def lifecycle_policy(repo: str = "payments") -> Resource:
    rules = {
        "rules": [
            {
                "rulePriority": 1,
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": 14,
                },
                "action": {"type": "expire"},
            }
        ]
    }
    return make(LIFECYCLE_POLICY, f"registry-{repo}-lifecycle", {"repository": repo, "policy": json.dumps(rules)})


def trust_policy(service: str = "ecs-tasks.amazonaws.com") -> dict[str, Any]:
    return document(
        {
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": APP}},
        }
    )


def role(name: str = "payments-task", **overrides: Any) -> Resource:
    props: dict[str, Any] = {"name": name, "assumeRolePolicy": json.dumps(trust_policy())}
    props.update(overrides)
    return make(ROLE, f"app-{name}", props)


def pull_policy(*repos: str) -> dict[str, Any]:
    return document(
        {"Sid": "Token", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {"Sid": "Pull", "Effect": "Allow", "Action": PULL, "Resource": [repo_arn(r) for r in repos or ("payments",)]},
    )


def role_policy(role_name: str = "payments-task", body: Any = None) -> Resource:
    return make(
        ROLE_POLICY,
        f"app-{role_name}-pull",
        {"role": role_name, "policy": json.dumps(body if body is not None else pull_policy())},
    )


def registry_stack() -> list[Resource]:
    return [repository(), repository_policy(), lifecycle_policy()]


def application_stack() -> list[Resource]:
    return [role(), role_policy()]


def replace_props(resource: Resource, **props: Any) -> Resource:
    return Resource(
        resource.type, resource.name, resource.urn, {**resource.props, **props}, resource.property_dependencies
    )
