"""Resource type tokens of the pulumi_aws resources the pack looks at."""

from typing import Final

REPOSITORY: Final = "aws:ecr/repository:Repository"
REPOSITORY_POLICY: Final = "aws:ecr/repositoryPolicy:RepositoryPolicy"
REGISTRY_POLICY: Final = "aws:ecr/registryPolicy:RegistryPolicy"
LIFECYCLE_POLICY: Final = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
REGISTRY_SCANNING: Final = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration"
ROLE: Final = "aws:iam/role:Role"
ROLE_POLICY: Final = "aws:iam/rolePolicy:RolePolicy"
MANAGED_POLICY: Final = "aws:iam/policy:Policy"
ROLE_POLICY_ATTACHMENT: Final = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
