"""Config keys a stack's program never looked up: the warning that names a misspelt key."""

from __future__ import annotations

from ecr_shared_services.plan.registration import Registration
from ecr_shared_services.plan.worker import unread_config

ROLE = Registration("urn", "aws:iam/role:Role", "r", "", True, {}, {}, "")
CONFIG = {"ecr:organisationId": "o-a1b2c3d4e5", "ecr:stackRole": "application", "aws:profile": "prod", "ecr:x": "1"}
ASKED = {"ecr:organizationId", "ecr:stackRole", "ecr:repositories"}


def test_a_misspelt_key_is_named_with_the_key_the_program_asked_for() -> None:
    assert unread_config(CONFIG, ASKED, [ROLE], finished=True) == [
        "config key 'ecr:organisationId' is never read by the program; did you mean 'ecr:organizationId'?",
        "config key 'ecr:x' is never read by the program",
    ]


def test_a_stopped_program_names_only_keys_close_to_one_it_asked_for_and_missed() -> None:
    # `ecr:repositories` was asked for and is missing too, but nothing in the config is close to it.
    assert unread_config(CONFIG, ASKED, [ROLE], finished=False) == [
        "config key 'ecr:organisationId' is never read by the program; did you mean 'ecr:organizationId'?"
    ]


def test_provider_keys_are_left_to_the_provider() -> None:
    # With no aws resource registered, nothing says `aws:` is a provider's namespace.
    assert "config key 'aws:profile' is never read by the program" in unread_config(CONFIG, ASKED, [], True)
    assert not [w for w in unread_config(CONFIG, ASKED, [ROLE], True) if "aws:profile" in w]
