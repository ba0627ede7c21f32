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
CREATION_TEMPLATE: Final = "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate"
PULL_THROUGH_CACHE: Final = "aws:ecr/pullThroughCacheRule:PullThroughCacheRule"
REPLICATION: Final = "aws:ecr/replicationConfiguration:ReplicationConfiguration"
POLICY_ATTACHMENT: Final = "aws:iam/policyAttachment:PolicyAttachment"
ROLE_POLICY_ATTACHMENTS_EXCLUSIVE: Final = (
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"
)
USER_POLICY_ATTACHMENT: Final = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
GROUP_POLICY_ATTACHMENT: Final = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
