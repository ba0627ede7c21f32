"""The deployable program: `ecr:stackRole` in the stack's config picks the registry or the application program."""

import pulumi

from ecr_shared_services.errors import SpecError, Violation

role = pulumi.Config("ecr").get("stackRole")
if role == "registry":
    import registry_program

    registry_program.run()
elif role == "application":
    import application_program

    application_program.run()
else:
    raise SpecError(
        f"stack {pulumi.get_stack()}",
        [
            Violation(
                "ecr:stackRole",
                role,
                "the stack's role must be `registry` or `application`",
                "pulumi config set ecr:stackRole registry   # or application",
                "ESS501",
            )
        ],
    )
