"""Entry point the Pulumi engine runs: `pulumi preview --policy-pack policy-packs/ecr-guardrails`."""

from ecr_guardrails import PACK_NAME
from ecr_guardrails.policies import build_policies
from pulumi_policy import EnforcementLevel, PolicyPack

if __name__ == "__main__":
    PolicyPack(
        name=PACK_NAME,
        enforcement_level=EnforcementLevel.ADVISORY,
        policies=build_policies(),
        description="Guardrails for shared ECR registries and the IAM roles that pull from them.",
    )
