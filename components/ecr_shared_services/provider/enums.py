"""The choices of the provider's schema, as enums that every Pulumi language's SDK shows by name.

Each enum's values are the values the specs accept (a test keeps them equal); the specs stay the only
place where the rules on them live.
"""

# No `from __future__ import annotations`: Pulumi's schema analyzer reads these classes at run time.

from enum import Enum


class ConsumerKind(str, Enum):
    """Who a consumer stands for."""

    ACCOUNT = "account"
    """Every principal in the account that its own IAM allows (Principal: the account root)."""
    ROLE = "role"
    """Named roles: `accountId` with `roleNames`, or `roleArns`."""
    ORGANIZATION = "organization"
    """Every account of an AWS Organization, or of some of its OUs (`ouPaths`)."""
    LAMBDA = "lambda"
    """Container-image Lambda functions of an account (registry's region): the service and the deployer roles."""


class AccessLevel(str, Enum):
    """What a grant allows on a repository."""

    PULL = "pull"
    """Pull images."""
    PUSH = "push"
    """Push images; includes pull."""


class PrincipalForm(str, Enum):
    """How a role consumer is named in the repository policy."""

    CONDITION = "condition"
    """The account root with ArnEquals aws:PrincipalArn: the role need not exist yet, and survives being recreated."""
    ARN = "arn"
    """The role ARN as Principal: the role must exist before the registry is deployed."""


class ImageTagMutability(str, Enum):
    """Whether a tag can be moved to another image."""

    IMMUTABLE = "IMMUTABLE"
    """A pushed tag never moves."""
    MUTABLE = "MUTABLE"
    """A tag can be pushed again onto another image."""
    IMMUTABLE_WITH_EXCLUSION = "IMMUTABLE_WITH_EXCLUSION"
    """Immutable, except for tags matching `tagMutabilityExclusions`."""
    MUTABLE_WITH_EXCLUSION = "MUTABLE_WITH_EXCLUSION"
    """Mutable, except for tags matching `tagMutabilityExclusions`."""


class Encryption(str, Enum):
    """How ECR encrypts a repository's images at rest. Fixed when the repository is created."""

    AES256 = "AES256"
    """ECR-managed keys."""
    KMS = "KMS"
    """AWS KMS: the key given as `kmsKey`, or the AWS-managed key aws/ecr without one."""


class PolicyEncoding(str, Enum):
    """How repository policies name account and role consumers; every form grants exactly the same principals."""

    AUTO = "auto"
    """The plain form while it fits ECR's 10,240 characters, then the compact form."""
    PLAIN = "plain"
    """Every account root, and for role consumers every role ARN."""
    COMPACT = "compact"
    """A role name shared by many accounts written once (Principal * + aws:PrincipalAccount with `accountId`)."""


class TrustService(str, Enum):
    """The workload whose role assumes a puller role: the identity AWS uses for that workload's pull (or push)."""

    ECS_TASKS = "ecs-tasks"
    """ECS tasks: the task execution role pulls a task's images."""
    EKS_NODE = "eks-node"
    """EKS node instance role: pulls the images of pods on EC2 nodes (managed or self-managed node groups)."""
    EKS_FARGATE = "eks-fargate"
    """EKS Fargate pod execution role; `clusterName` and `clusterRegion` limit it to the cluster's Fargate profiles."""
    EC2 = "ec2"
    """EC2 instance role; an instance profile of the same name and path is created with it."""
    GITHUB_OIDC = "github-oidc"
    """GitHub Actions through OIDC (CI that pushes, or deploys Lambda functions); needs `githubSubjects`."""
    CODEBUILD = "codebuild"
    """CodeBuild project role."""
    EKS_POD_IDENTITY = "eks-pod-identity"
    """EKS Pod Identity, for software in a pod that calls ECR itself; a pod's own images are pulled by the node role."""
    EKS_IRSA = "eks-irsa"
    """EKS IRSA, for software in a pod that calls ECR itself: `oidcProviderArn`, `namespace`, `serviceAccount`."""
    LAMBDA = "lambda"
    """Refused with the reason: a function's execution role does not pull its image; grant the deployer role."""


class AttachAs(str, Enum):
    """How PullerPolicy attaches the identity policy to the existing role."""

    INLINE = "inline"
    """An inline policy on the role (counts against IAM's 10,240 characters of inline policies per role)."""
    MANAGED = "managed"
    """A customer-managed policy and its attachment to the role."""
