"""Warnings about what a later `pulumi destroy` or a removed repository would delete.

A repository kept on delete (`retain_on_delete`, the default) survives its removal from the program with
its images; `force_delete` lets AWS delete a repository that still holds images
(https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html: without `force`,
a repository that contains images cannot be deleted). Either setting turned the unsafe way is worth a line
in every plan, so that a reviewer sees it before it matters.
"""

from __future__ import annotations

from collections.abc import Iterable

from ecr_shared_services.plan.registration import Registration

REPOSITORY = "aws:ecr/repository:Repository"


def deletion_warnings(registrations: Iterable[Registration]) -> list[str]:
    """A warning per repository that would lose its images when removed from the program or destroyed."""
    warnings = []
    for r in registrations:
        if r.type != REPOSITORY or r.read:
            continue
        name = str(r.inputs.get("name") or r.name)
        if not r.retain_on_delete:
            warnings.append(
                f"repository {name!r} is not retained on delete (retain_on_delete: false): removing it from the "
                "program or destroying the stack deletes it"
            )
        if r.inputs.get("forceDelete") is True:
            warnings.append(f"repository {name!r} has force_delete: true: deleting it deletes every image in it")
    return warnings
